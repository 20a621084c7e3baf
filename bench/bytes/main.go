// Command bytes serves one file's bytes from memory with nothing else: a
// bare net/http handler, the ceiling any Go server reaches for that
// page on this machine. bench/run.sh measures it beside folio and nginx.
//
// With a file of response headers (as `curl -sI` prints them), it sends
// those headers too and answers with the http.Server of `folio serve`,
// its timeouts set: the ceiling for a Go server that says what folio
// says about a page, so that the two anchors show what the headers and
// the deadlines cost.
//
// Usage: go run ./bench/bytes ADDR FILE [HEADERS]
package main

import (
	"bufio"
	"log"
	"net/http"
	"net/textproto"
	"os"
	"strconv"

	"folio/internal/cli"
)

func main() {
	if len(os.Args) != 3 && len(os.Args) != 4 {
		log.Fatal("usage: bytes ADDR FILE [HEADERS]")
	}
	body, err := os.ReadFile(os.Args[2])
	if err != nil {
		log.Fatal(err)
	}
	header := http.Header{"Content-Type": {"text/html; charset=utf-8"}}
	srv := &http.Server{}
	if len(os.Args) == 4 {
		if header, err = readHeader(os.Args[3]); err != nil {
			log.Fatal(err)
		}
		srv = cli.HTTPServer(nil, nil)
	}
	header["Content-Length"] = []string{strconv.Itoa(len(body))}
	srv.Addr = os.Args[1]
	srv.Handler = http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		h := w.Header()
		for k, v := range header {
			h[k] = v
		}
		w.Write(body)
	})
	log.Fatal(srv.ListenAndServe())
}

// readHeader reads the headers of a response as curl prints them: a
// status line, then one header a line. The server sets Date itself.
func readHeader(name string) (http.Header, error) {
	f, err := os.Open(name)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	r := textproto.NewReader(bufio.NewReader(f))
	if _, err := r.ReadLine(); err != nil {
		return nil, err
	}
	h, err := r.ReadMIMEHeader()
	if err != nil {
		return nil, err
	}
	delete(h, "Date")
	return http.Header(h), nil
}
