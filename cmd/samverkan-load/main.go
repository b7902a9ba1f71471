// Command samverkan-load measures the bot under load on loopback (package
// load): the real application on a durable bbolt file, against fake
// Mattermost and Slack servers that enforce their rate limits, driven
// open loop at a fixed rate, with a bare HTTP handler and bare bbolt
// commits measured in the same run as baselines. It prints throughput,
// latency from each request's scheduled time, what was shed, whether every
// answered write is stored, how late the weekly agenda went out, memory
// and database growth.
//
//	go run ./cmd/samverkan-load -mix decisions -rate 1000 -duration 30s
//	go run ./cmd/samverkan-load -rate 200 -store postgres://postgres@127.0.0.1:5432/postgres
//	go run ./cmd/samverkan-load -rate 1000 -store postgres://postgres@127.0.0.1:5432/postgres -replicas 2
//	go run ./cmd/samverkan-load -rate 200 -board 200 -duration 20s
package main

import (
	"flag"
	"fmt"
	"os"
	"runtime"
	"runtime/pprof"
	"time"

	"samverkan/load"
)

func main() {
	mix := flag.String("mix", "decisions", "decisions (a fifth of the commands are minutes in a growing meeting) or plain")
	rate := flag.Float64("rate", 1000, "requests per second, sent open loop")
	dur := flag.Duration("duration", 30*time.Second, "how long to send")
	inFlight := flag.Int("max-in-flight", 0, "the bot's bound on commands running at once (0: its default)")
	timeline := flag.Bool("timeline", false, "also print the run second by second")
	store := flag.String("store", "", "run the bot on PostgreSQL: a server URL (postgres://user@host:5432/postgres) on which the run makes, and then drops, a database of its own")
	replicas := flag.Int("replicas", 1, "with -store: how many replicas share the database, requests going to each in turn")
	boardRate := flag.Float64("board", 0, "instead: ask for the status board at this many pages/s while the decision mix runs at -rate")
	profile := flag.String("cpuprofile", "", "write a CPU profile of the run (bot, fakes and load tool share the process) to this file")
	flag.Parse()
	if *profile != "" {
		f, err := os.Create(*profile)
		if err != nil {
			fmt.Fprintln(os.Stderr, "samverkan-load:", err)
			os.Exit(1)
		}
		if err := pprof.StartCPUProfile(f); err != nil {
			fmt.Fprintln(os.Stderr, "samverkan-load:", err)
			os.Exit(1)
		}
		defer pprof.StopCPUProfile()
	}
	if *rate <= 0 || *dur <= 0 || *dur > 10*time.Minute || (*mix != "decisions" && *mix != "plain") {
		fmt.Fprintln(os.Stderr, "samverkan-load: want -mix decisions|plain, -rate > 0, 0 < -duration ≤ 10m")
		os.Exit(2)
	}
	if *boardRate > 0 {
		br, err := load.RunBoard(*boardRate, *rate, *dur)
		if err != nil {
			fmt.Fprintln(os.Stderr, "samverkan-load:", err)
			os.Exit(1)
		}
		fmt.Printf("machine: %s/%s, %d CPUs, %s\n", runtime.GOOS, runtime.GOARCH, runtime.NumCPU(), runtime.Version())
		br.Print(os.Stdout)
		return
	}
	r, err := load.Run(load.Spec{Mix: *mix, Rate: *rate, Duration: *dur, MaxInFlight: *inFlight, Baselines: true, Store: *store, Replicas: *replicas})
	if err != nil {
		fmt.Fprintln(os.Stderr, "samverkan-load:", err)
		os.Exit(1)
	}
	fmt.Printf("machine: %s/%s, %d CPUs, %s\n", runtime.GOOS, runtime.GOARCH, runtime.NumCPU(), runtime.Version())
	r.Print(os.Stdout)
	if *timeline {
		fmt.Println()
		r.Timeline(os.Stdout)
	}
	if len(r.Problems) > 0 {
		pprof.StopCPUProfile()
		os.Exit(1)
	}
}
