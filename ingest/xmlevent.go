package ingest

import (
	"encoding/xml"
	"fmt"
	"strconv"
	"strings"
)

// xmlEvent is the rendered XML of a Windows event.
type xmlEvent struct {
	System struct {
		Provider struct {
			Name string `xml:"Name,attr"`
		} `xml:"Provider"`
		EventID     string `xml:"EventID"`
		Channel     string `xml:"Channel"`
		Computer    string `xml:"Computer"`
		TimeCreated struct {
			SystemTime string `xml:"SystemTime,attr"`
		} `xml:"TimeCreated"`
	} `xml:"System"`
	EventData struct {
		Data []struct {
			Name string `xml:"Name,attr"`
			Text string `xml:",chardata"`
		} `xml:"Data"`
	} `xml:"EventData"`
}

// parseXMLEvent parses one rendered <Event> element.
func parseXMLEvent(b []byte) (*sysEvent, error) {
	var x xmlEvent
	dec := xml.NewDecoder(strings.NewReader(string(b)))
	dec.Strict = false
	if err := dec.Decode(&x); err != nil {
		return nil, fmt.Errorf("invalid event XML: %v", err)
	}
	id, err := strconv.Atoi(strings.TrimSpace(x.System.EventID))
	if err != nil {
		return nil, fmt.Errorf("EventID %s is not a number", quoteShort(x.System.EventID))
	}
	e := &sysEvent{id: id, provider: x.System.Provider.Name, channel: x.System.Channel,
		computer: x.System.Computer, sysTime: x.System.TimeCreated.SystemTime, data: map[string]string{}}
	for _, d := range x.EventData.Data {
		if d.Name != "" {
			e.data[d.Name] = d.Text
		}
	}
	return e, nil
}
