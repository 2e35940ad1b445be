module alerting.bench/gotemplates

go 1.19
