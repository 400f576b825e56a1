package schema

// Defender Vulnerability Management (DeviceTvm*) tables of the
// advanced-hunting schema. They exist in advanced hunting only; several are
// inventories or knowledge bases with no time column.

func init() {
	register(
		deviceTvmSoftwareInventory,
		deviceTvmSoftwareVulnerabilities,
		deviceTvmSoftwareVulnerabilitiesKB,
		deviceTvmSecureConfigurationAssessment,
		deviceTvmSecureConfigurationAssessmentKB,
		deviceTvmBrowserExtensions,
		deviceTvmBrowserExtensionsKB,
		deviceTvmInfoGathering,
	)
}

var deviceTvmSoftwareInventory = defenderTable("DeviceTvmSoftwareInventory", "devicetvmsoftwareinventory",
	[]Column{
		{"DeviceId", TypeString},
		{"DeviceName", TypeString},
		{"OSPlatform", TypeString},
		{"OSVersion", TypeString},
		{"OSArchitecture", TypeString},
		{"SoftwareVendor", TypeString},
		{"SoftwareName", TypeString},
		{"SoftwareVersion", TypeString},
		{"EndOfSupportStatus", TypeString},
		{"EndOfSupportDate", TypeDatetime},
		{"ProductCodeCpe", TypeString},
	},
)

var deviceTvmSoftwareVulnerabilities = defenderTable("DeviceTvmSoftwareVulnerabilities", "devicetvmsoftwarevulnerabilities",
	[]Column{
		{"DeviceId", TypeString},
		{"DeviceName", TypeString},
		{"OSPlatform", TypeString},
		{"OSVersion", TypeString},
		{"OSArchitecture", TypeString},
		{"SoftwareVendor", TypeString},
		{"SoftwareName", TypeString},
		{"SoftwareVersion", TypeString},
		{"CveId", TypeString},
		{"VulnerabilitySeverityLevel", TypeString},
		{"RecommendedSecurityUpdate", TypeString},
		{"RecommendedSecurityUpdateId", TypeString},
		{"CveTags", TypeDynamic},
	},
)

var deviceTvmSoftwareVulnerabilitiesKB = defenderTable("DeviceTvmSoftwareVulnerabilitiesKB", "devicetvmsoftwarevulnerabilitieskb",
	[]Column{
		{"CveId", TypeString},
		{"CvssScore", TypeString},
		{"IsExploitAvailable", TypeBool},
		{"VulnerabilitySeverityLevel", TypeString},
		{"LastModifiedTime", TypeDatetime},
		{"PublishedDate", TypeDatetime},
		{"VulnerabilityDescription", TypeString},
		{"AffectedSoftware", TypeDynamic},
	},
)

var deviceTvmSecureConfigurationAssessment = defenderTable("DeviceTvmSecureConfigurationAssessment", "devicetvmsecureconfigurationassessment",
	[]Column{
		{"DeviceId", TypeString},
		{"DeviceName", TypeString},
		{"OSPlatform", TypeString},
		{"Timestamp", TypeDatetime},
		{"ConfigurationId", TypeString},
		{"ConfigurationCategory", TypeString},
		{"ConfigurationSubcategory", TypeString},
		{"ConfigurationImpact", TypeReal},
		{"IsCompliant", TypeBool},
		{"IsApplicable", TypeBool},
		{"Context", TypeDynamic},
		{"IsExpectedUserImpact", TypeBool},
	},
)

var deviceTvmSecureConfigurationAssessmentKB = defenderTable("DeviceTvmSecureConfigurationAssessmentKB", "devicetvmsecureconfigurationassessmentkb",
	[]Column{
		{"ConfigurationId", TypeString},
		{"ConfigurationImpact", TypeReal},
		{"ConfigurationName", TypeString},
		{"ConfigurationDescription", TypeString},
		{"RiskDescription", TypeString},
		{"ConfigurationCategory", TypeString},
		{"ConfigurationSubcategory", TypeString},
		{"ConfigurationBenchmarks", TypeDynamic},
		{"Tags", TypeDynamic},
		{"RemediationOptions", TypeString},
	},
)

var deviceTvmBrowserExtensions = defenderTable("DeviceTvmBrowserExtensions", "devicetvmbrowserextensions",
	[]Column{
		{"DeviceId", TypeString},
		{"BrowserName", TypeString},
		{"ExtensionId", TypeString},
		{"ExtensionName", TypeString},
		{"ExtensionDescription", TypeString},
		{"ExtensionVersion", TypeString},
		{"ExtensionRisk", TypeString},
		{"ExtensionVendor", TypeString},
		{"IsActivated", TypeString},
		{"InstallationTime", TypeDatetime},
	},
)

var deviceTvmBrowserExtensionsKB = defenderTable("DeviceTvmBrowserExtensionsKB", "devicetvmbrowserextensionskb",
	[]Column{
		{"BrowserName", TypeString},
		{"ExtensionId", TypeString},
		{"ExtensionName", TypeString},
		{"ExtensionDescription", TypeString},
		{"ExtensionVersion", TypeDynamic},
		{"ExtensionRisk", TypeString},
		{"PermissionId", TypeString},
		{"PermissionName", TypeString},
		{"PermissionDescription", TypeString},
		{"PermissionRisk", TypeString},
		{"IsPermissionRequired", TypeString},
	},
)

var deviceTvmInfoGathering = defenderTable("DeviceTvmInfoGathering", "devicetvminfogathering",
	[]Column{
		{"Timestamp", TypeDatetime},
		{"LastSeenTime", TypeDatetime},
		{"DeviceId", TypeString},
		{"DeviceName", TypeString},
		{"OSPlatform", TypeString},
		{"AdditionalFields", TypeDynamic},
	},
)
