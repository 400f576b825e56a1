package schema

// Workspace operations and device-management tables of Log Analytics
// (Usage, LAQueryLogs, SentinelHealth, IntuneDevices), in the Azure Monitor
// reference's alphabetical order, without _BilledSize / _IsBillable.

func init() {
	register(
		usage,
		laQueryLogs,
		sentinelHealth,
		intuneDevices,
	)
}

var usage = laTable("Usage", "usage",
	[]Column{
		{"AvgLatencyInSeconds", TypeReal},
		{"BatchesCapped", TypeLong},
		{"BatchesOutsideSla", TypeLong},
		{"BatchesWithinSla", TypeLong},
		{"Computer", TypeString},
		{"DataType", TypeString},
		{"EndTime", TypeDatetime},
		{"IsBillable", TypeBool},
		{"LinkedMeterId", TypeString},
		{"LinkedResourceUri", TypeString},
		{"MeterId", TypeString},
		{"Quantity", TypeReal},
		{"QuantityUnit", TypeString},
		{"ResourceUri", TypeString},
		{"Solution", TypeString},
		{"SourceSystem", TypeString},
		{"StartTime", TypeDatetime},
		// Every Log Analytics table has TenantId; the reference page omits it.
		{"TenantId", TypeString},
		{"TimeGenerated", TypeDatetime},
		{"TotalBatches", TypeLong},
		{"Type", TypeString},
	},
)

var laQueryLogs = laTable("LAQueryLogs", "laquerylogs",
	[]Column{
		{"AADClientId", TypeString},
		{"AADEmail", TypeString},
		{"AADObjectId", TypeString},
		{"AADTenantId", TypeString},
		{"CorrelationId", TypeString},
		{"IsBillableQuery", TypeBool},
		{"IsWorkspaceInFailover", TypeBool},
		{"QueryText", TypeString},
		{"QueryTimeRangeEnd", TypeDatetime},
		{"QueryTimeRangeStart", TypeDatetime},
		{"RequestClientApp", TypeString},
		{"RequestContext", TypeDynamic},
		{"RequestContextFilters", TypeDynamic},
		{"RequestTarget", TypeString},
		{"_ResourceId", TypeString},
		{"ResponseCode", TypeInt},
		{"ResponseDurationMs", TypeReal},
		{"ResponseRowCount", TypeInt},
		{"ScannedGB", TypeReal},
		{"SourceSystem", TypeString},
		{"StatsCPUTimeMs", TypeReal},
		{"StatsDataProcessedEnd", TypeDatetime},
		{"StatsDataProcessedStart", TypeDatetime},
		{"StatsRegionCount", TypeInt},
		{"StatsWorkspaceCount", TypeInt},
		{"_SubscriptionId", TypeString},
		{"TenantId", TypeString},
		{"TimeGenerated", TypeDatetime},
		{"Type", TypeString},
		{"WorkspaceRegion", TypeString},
	},
)

var sentinelHealth = laTable("SentinelHealth", "sentinelhealth",
	[]Column{
		{"Description", TypeString},
		{"ExtendedProperties", TypeDynamic},
		{"OperationName", TypeString},
		{"Reason", TypeString},
		{"RecordId", TypeString},
		{"SentinelResourceId", TypeString},
		{"SentinelResourceKind", TypeString},
		{"SentinelResourceName", TypeString},
		{"SentinelResourceType", TypeString},
		{"SourceSystem", TypeString},
		{"Status", TypeString},
		{"TenantId", TypeString},
		{"TimeGenerated", TypeDatetime},
		{"Type", TypeString},
		{"WorkspaceId", TypeString},
	},
)

var intuneDevices = laTable("IntuneDevices", "intunedevices",
	stringCols("AADTenantId", "AndroidPatchLevel", "BatchId", "CategoryName",
		"CompliantState", "CreatedDate", "DeviceId", "DeviceName",
		"DeviceRegistrationState", "DeviceState", "EasID",
		"EncryptionStatusString"),
	[]Column{{"GraphDeviceIsManaged", TypeBool}},
	stringCols("IMEI", "InGracePeriodUntil", "IntuneAccountId", "JailBroken",
		"JoinType", "LastContact", "ManagedBy", "ManagedDeviceName",
		"Manufacturer", "MEID", "Model", "OperationName", "OS", "OSVersion",
		"Ownership", "PhoneNumber", "PrimaryUser", "ReferenceId", "Result",
		"SerialNumber", "SkuFamily", "SourceSystem"),
	[]Column{
		{"Stats", TypeDynamic},
		{"StorageFree", TypeLong},
		{"StorageTotal", TypeLong},
	},
	stringCols("SubscriberCarrierNetwork", "SupervisedStatusString",
		"TenantId"),
	[]Column{{"TimeGenerated", TypeDatetime}},
	stringCols("Type", "UPN", "UserEmail", "UserName", "WifiMacAddress"),
)
