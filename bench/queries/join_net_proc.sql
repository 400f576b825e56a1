-- Same as join_net_proc.kql (kind=inner: every matching pair, like SQL's inner join).
SELECT n.DeviceName, p.FileName, p.AccountName,
       count(*) AS Connections, min(n."Timestamp") AS FirstSeen, max(n."Timestamp") AS LastSeen
FROM DeviceNetworkEvents n
JOIN (SELECT DeviceId, ProcessId, FileName, ProcessCommandLine, AccountName
      FROM DeviceProcessEvents WHERE ActionType = 'ProcessCreated') p
  ON n.DeviceId = p.DeviceId AND n.InitiatingProcessId = p.ProcessId
WHERE regexp_matches(n.RemoteUrl, '(?i)(^|[^\p{L}\p{Nd}])(mspbackups\.com|msp360\.com|cloudberrylab\.com|anydesk\.com|teamviewer\.com|screenconnect\.com|connectwise\.com|atera\.com|splashtop\.com)($|[^\p{L}\p{Nd}])')
GROUP BY n.DeviceName, p.FileName, p.AccountName
