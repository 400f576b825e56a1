package schema

// Defender for Office 365 (Email*, UrlClickEvents) tables of the
// advanced-hunting schema, followed by the columns Log Analytics adds.

func init() {
	register(
		emailEvents,
		emailAttachmentInfo,
		emailUrlInfo,
		emailPostDeliveryEvents,
		urlClickEvents,
	)
}

var emailEvents = defenderTable("EmailEvents", "emailevents",
	[]Column{
		{"Timestamp", TypeDatetime},
		{"NetworkMessageId", TypeString},
		{"InternetMessageId", TypeString},
		{"SenderMailFromAddress", TypeString},
		{"SenderFromAddress", TypeString},
		{"SenderDisplayName", TypeString},
		{"SenderObjectId", TypeString},
		{"SenderMailFromDomain", TypeString},
		{"SenderFromDomain", TypeString},
		{"SenderIPv4", TypeString},
		{"SenderIPv6", TypeString},
		{"RecipientEmailAddress", TypeString},
		{"RecipientObjectId", TypeString},
		{"Subject", TypeString},
		{"EmailClusterId", TypeLong},
		{"EmailDirection", TypeString},
		{"DeliveryAction", TypeString},
		{"DeliveryLocation", TypeString},
		{"ThreatTypes", TypeString},
		{"ThreatNames", TypeString},
		{"DetectionMethods", TypeString},
		{"ConfidenceLevel", TypeString},
		{"BulkComplaintLevel", TypeInt},
		{"EmailAction", TypeString},
		{"EmailActionPolicy", TypeString},
		{"EmailActionPolicyGuid", TypeString},
		{"AuthenticationDetails", TypeString},
		{"AttachmentCount", TypeInt},
		{"UrlCount", TypeInt},
		{"EmailLanguage", TypeString},
		{"Connectors", TypeString},
		{"OrgLevelAction", TypeString},
		{"OrgLevelPolicy", TypeString},
		{"UserLevelAction", TypeString},
		{"UserLevelPolicy", TypeString},
		{"ReportId", TypeString},
		// string on the advanced-hunting page, dynamic in Log Analytics.
		{"AdditionalFields", TypeDynamic},
		{"LatestDeliveryLocation", TypeString},
		{"LatestDeliveryAction", TypeString},
	},
	laCommon,
)

var emailAttachmentInfo = defenderTable("EmailAttachmentInfo", "emailattachmentinfo",
	[]Column{
		{"Timestamp", TypeDatetime},
		{"NetworkMessageId", TypeString},
		{"SenderFromAddress", TypeString},
		{"SenderDisplayName", TypeString},
		{"SenderObjectId", TypeString},
		{"RecipientEmailAddress", TypeString},
		{"RecipientObjectId", TypeString},
		{"FileName", TypeString},
		{"FileType", TypeString},
		{"SHA256", TypeString},
		{"FileSize", TypeLong},
		{"ThreatTypes", TypeString},
		{"ThreatNames", TypeString},
		{"DetectionMethods", TypeString},
		{"ReportId", TypeString},
	},
	laCommon,
)

var emailUrlInfo = defenderTable("EmailUrlInfo", "emailurlinfo",
	[]Column{
		{"Timestamp", TypeDatetime},
		{"NetworkMessageId", TypeString},
		{"Url", TypeString},
		{"UrlDomain", TypeString},
		{"UrlLocation", TypeString},
		{"ReportId", TypeString},
	},
	laCommon,
)

var emailPostDeliveryEvents = defenderTable("EmailPostDeliveryEvents", "emailpostdeliveryevents",
	[]Column{
		{"Timestamp", TypeDatetime},
		{"NetworkMessageId", TypeString},
		{"InternetMessageId", TypeString},
		{"Action", TypeString},
		{"ActionType", TypeString},
		{"ActionTrigger", TypeString},
		{"ActionResult", TypeString},
		{"RecipientEmailAddress", TypeString},
		{"DeliveryLocation", TypeString},
		{"ThreatTypes", TypeString},
		{"DetectionMethods", TypeString},
		{"ReportId", TypeString},
	},
	laCommon,
)

var urlClickEvents = defenderTable("UrlClickEvents", "urlclickevents",
	[]Column{
		{"Timestamp", TypeDatetime},
		{"Url", TypeString},
		{"ActionType", TypeString},
		{"AccountUpn", TypeString},
		{"Workload", TypeString},
		{"NetworkMessageId", TypeString},
		{"ThreatTypes", TypeString},
		{"DetectionMethods", TypeString},
		{"IPAddress", TypeString},
		{"IsClickedThrough", TypeBool},
		{"UrlChain", TypeString},
		{"ReportId", TypeString},
	},
	laCommon,
)
