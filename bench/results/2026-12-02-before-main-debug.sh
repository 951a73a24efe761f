set -a; . /work/wt-bench/.proxe/local.env; set +a
cd /work/wt-bench
L="dotnet bench/Proxe.Bench.Load/bin/Release/net10.0/Proxe.Bench.Load.dll --gateway http://127.0.0.1:17080 --key $PROXE_DEMO_API_KEY --db Host=127.0.0.1;Port=17432;Database=proxe;Username=postgres;Password=postgres"
date -u
$L --interactions 2000 --concurrency 32 --batch 10 --leads 200 --channels web,whatsapp,voice,social | tail -8
date -u
$L --interactions 10000 --concurrency 32 --batch 10 --leads 1000 --channels web,whatsapp,voice,social
date -u
PGPASSWORD=postgres T=20 /work/shared/bench-anchors/pgbench-ceiling.sh 127.0.0.1 17432
date -u
