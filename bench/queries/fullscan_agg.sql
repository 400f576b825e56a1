-- Same as fullscan_agg.kql.
SELECT RemotePort, ActionType, count(*) AS "Count"
FROM DeviceNetworkEvents
GROUP BY RemotePort, ActionType
