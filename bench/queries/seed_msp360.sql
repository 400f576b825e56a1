-- sets: Report
-- Same as seed_msp360.kql. {{NOW}} is the harness's --now. has_any = RE2 regex with
-- Kusto term boundaries; make_set = list(DISTINCT) (compared as a set).
SELECT DeviceId, DeviceName, RemoteUrl,
       min("Timestamp") AS FirstSeen, max("Timestamp") AS LastSeen,
       list(DISTINCT ReportId) AS Report, count(*) AS "Count"
FROM DeviceNetworkEvents
WHERE "Timestamp" BETWEEN {{NOW}} - INTERVAL 5 DAY AND {{NOW}}
  AND regexp_matches(RemoteUrl, '(?i)(^|[^\p{L}\p{Nd}])(rm\.mspbackups\.com|client\.rmm\.mspbackups\.com|settings\.services\.mspbackups\.com|connect\.ra\.msp360\.com|foris\.cloudberrylab\.com)($|[^\p{L}\p{Nd}])')
  AND regexp_matches(InitiatingProcessVersionInfoCompanyName, '(?i)(^|[^\p{L}\p{Nd}])(CloudBerry|MSP360)($|[^\p{L}\p{Nd}])')
GROUP BY DeviceId, DeviceName, RemoteUrl
