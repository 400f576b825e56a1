package schema

// Other advanced-hunting tables: Graph API audit, cloud audit, OAuth apps
// and the exposure graph. They exist in advanced hunting only.

func init() {
	register(
		graphAPIAuditEvents,
		cloudAuditEvents,
		oAuthAppInfo,
		exposureGraphEdges,
		exposureGraphNodes,
	)
}

// graphAPIAuditEvents: the reference page's heading spells the table
// GraphApiAuditEvents, but the published hunting queries (and the corpus)
// use GraphAPIAuditEvents, which we follow; SuggestTable maps the other
// spelling here. The page types Timestamp as string, which we take for an
// error: it is the table's time column.
var graphAPIAuditEvents = &Table{
	Name: "GraphAPIAuditEvents",
	Columns: []Column{
		{"IdentityProvider", TypeString},
		{"ApiVersion", TypeString},
		{"ApplicationId", TypeString},
		{"IPAddress", TypeString},
		{"ClientRequestId", TypeString},
		{"EntityType", TypeString},
		{"RequestUri", TypeString},
		{"AccountObjectId", TypeString},
		{"OperationId", TypeString},
		{"Location", TypeString},
		{"RequestDuration", TypeString},
		{"RequestId", TypeString},
		{"RequestMethod", TypeString},
		{"Timestamp", TypeDatetime},
		{"ResponseStatusCode", TypeString},
		{"Scopes", TypeString},
		{"UniqueTokenIdentifier", TypeString},
		// Published queries use IpAddress; the page lists IPAddress.
		{"IpAddress", TypeString},
	},
	TimeColumn: Timestamp,
	Source:     SourceDefender,
	DocURL:     defenderDoc + "graphapiauditevents-table",
}

var cloudAuditEvents = defenderTable("CloudAuditEvents", "cloudauditevents",
	[]Column{
		{"Timestamp", TypeDatetime},
		{"ReportId", TypeString},
		{"DataSource", TypeString},
		{"ActionType", TypeString},
		{"OperationName", TypeString},
		{"ResourceId", TypeString},
		{"IPAddress", TypeString},
		{"IsAnonymousProxy", TypeBool},
		{"CountryCode", TypeString},
		{"City", TypeString},
		{"Isp", TypeString},
		{"UserAgent", TypeString},
		{"RawEventData", TypeDynamic},
		{"AdditionalFields", TypeDynamic},
	},
)

// oAuthAppInfo: the page types Timestamp as string; we type it datetime
// like every other Timestamp (the Azure Monitor listing agrees).
var oAuthAppInfo = defenderTable("OAuthAppInfo", "oauthappinfo",
	[]Column{
		{"ReportId", TypeString},
		{"Timestamp", TypeDatetime},
		{"OAuthAppId", TypeString},
		{"ServicePrincipalId", TypeString},
		{"AppName", TypeString},
		{"AddedOnTime", TypeDatetime},
		{"LastModifiedTime", TypeDatetime},
		{"AppStatus", TypeString},
		{"VerifiedPublisher", TypeDynamic},
		{"PrivilegeLevel", TypeString},
		{"Permissions", TypeDynamic},
		{"ConsentedUsersCount", TypeInt},
		{"IsAdminConsented", TypeBool},
		{"AppOrigin", TypeString},
		{"LastUsedTime", TypeDatetime},
		{"AppOwnerTenantId", TypeString},
	},
)

var exposureGraphEdges = defenderTable("ExposureGraphEdges", "exposuregraphedges",
	[]Column{
		{"EdgeId", TypeString},
		{"EdgeLabel", TypeString},
		{"SourceNodeId", TypeString},
		{"SourceNodeName", TypeString},
		{"SourceNodeLabel", TypeString},
		{"SourceNodeCategories", TypeDynamic},
		{"TargetNodeId", TypeString},
		{"TargetNodeName", TypeString},
		{"TargetNodeLabel", TypeString},
		{"TargetNodeCategories", TypeDynamic},
		{"EdgeProperties", TypeDynamic},
	},
)

var exposureGraphNodes = defenderTable("ExposureGraphNodes", "exposuregraphnodes",
	[]Column{
		{"NodeId", TypeString},
		{"NodeLabel", TypeString},
		{"NodeName", TypeString},
		{"Categories", TypeDynamic},
		{"NodeProperties", TypeDynamic},
		{"EntityIds", TypeDynamic},
	},
)
