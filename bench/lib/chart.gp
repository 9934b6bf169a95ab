# Draws bench/run.sh's chart: throughput and p99 latency per connection count, Genie beside the floor.
# Called with -e "data='…/chart.dat'; out='…/chart.png'; title='…'"; chart.dat's columns are
# connections, req/s of floor, new, dedupe, then p99 ms of floor, new, dedupe.
set terminal pngcairo size 1200,520 font "sans,10"
set output out
set datafile separator "\t"
set style data histograms
set style histogram clustered gap 1
set style fill solid 0.85 border -1
set boxwidth 0.9
set grid ytics
set key below horizontal maxrows 1 height 1
set multiplot layout 1,2 title title
set title "throughput (higher is better)"
set xlabel "connections"
set ylabel "requests per second"
set yrange [0:*]
plot data using 2:xtic(1) title "floor (pgbench)" lc rgb "#888888", \
     '' using 3 title "Genie, new prompts" lc rgb "#1f77b4", \
     '' using 4 title "Genie, same prompt" lc rgb "#2ca02c"
set title "p99 latency (lower is better)"
set ylabel "milliseconds"
plot data using 5:xtic(1) title "floor (pgbench)" lc rgb "#888888", \
     '' using 6 title "Genie, new prompts" lc rgb "#1f77b4", \
     '' using 7 title "Genie, same prompt" lc rgb "#2ca02c"
unset multiplot
