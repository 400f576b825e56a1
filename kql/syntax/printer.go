package syntax

// Print renders a node as canonical KQL text.
func Print(n Node) string { return "" }
