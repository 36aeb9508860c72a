// Command node stands in for a go-livepeer orchestrator's CLI API in lpops'
// remediation tests: a real process serving the routes lpops' node probe
// reads, with bodies in go-livepeer's wire format. Killing it is what a
// crashed node looks like to lpops.
//
//	node -addr 127.0.0.1:7935
package main

import (
	"flag"
	"fmt"
	"net"
	"net/http"
	"os"
)

const (
	status = `{"Manifests":{},"InternalManifests":{},"StreamInfo":{},"OrchestratorPool":[],"OrchestratorPoolInfos":null,"Version":"0.9.1","GolangRuntimeVersion":"go1.26.8","GOArch":"amd64","GOOS":"linux","RegisteredTranscodersNumber":0,"RegisteredTranscoders":[],"LocalTranscoding":true,"BroadcasterPrices":{"default":"1"}}`
	info   = `{"Transcoder":{"Address":"0x1c1c9817f4b8f07efb298a17102531cdd09cef68","ServiceURI":"https://127.0.0.1:8935","LastRewardRound":2,"RewardCut":100000,"FeeShare":500000,"DelegatedStake":1000978792100000000000,"ActivationRound":2,"DeactivationRound":115792089237316195423570985008687907853269984665640564039457584007913129639935,"LastActiveStakeUpdateRound":3,"Active":true,"Status":"Registered","PricePerPixel":null},"PriceInfo":"1"}`
)

func main() {
	addr := flag.String("addr", "127.0.0.1:7935", "CLI API address")
	flag.Parse()
	mux := http.NewServeMux()
	text := func(body string) http.HandlerFunc {
		return func(w http.ResponseWriter, _ *http.Request) {
			w.Header().Set("Content-Type", "text/plain; charset=utf-8")
			fmt.Fprint(w, body)
		}
	}
	jsonBody := func(body string) http.HandlerFunc {
		return func(w http.ResponseWriter, _ *http.Request) {
			w.Header().Set("Content-Type", "application/json")
			fmt.Fprint(w, body)
		}
	}
	mux.HandleFunc("GET /status", jsonBody(status))
	mux.HandleFunc("GET /orchestratorInfo", jsonBody(info))
	mux.HandleFunc("GET /currentRound", text("3"))
	mux.HandleFunc("GET /EthChainID", text("1337"))
	mux.HandleFunc("GET /ethBalance", text("1000000000000000000"))
	ln, err := net.Listen("tcp", *addr)
	if err != nil {
		fmt.Fprintln(os.Stderr, "node:", err)
		os.Exit(1)
	}
	fmt.Fprintf(os.Stderr, "node: CLI API on %s, pid %d\n", ln.Addr(), os.Getpid())
	fmt.Fprintln(os.Stderr, http.Serve(ln, mux))
	os.Exit(1)
}
