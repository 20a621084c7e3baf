// Command bytes serves one file's bytes from memory with nothing else: a
// bare net/http handler, the ceiling any Go server reaches for that
// page on this machine. bench/run.sh measures it beside folio and nginx.
//
// Usage: go run ./bench/bytes ADDR FILE
package main

import (
	"log"
	"net/http"
	"os"
	"strconv"
)

func main() {
	if len(os.Args) != 3 {
		log.Fatal("usage: bytes ADDR FILE")
	}
	body, err := os.ReadFile(os.Args[2])
	if err != nil {
		log.Fatal(err)
	}
	length := []string{strconv.Itoa(len(body))}
	ctype := []string{"text/html; charset=utf-8"}
	log.Fatal(http.ListenAndServe(os.Args[1], http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		h := w.Header()
		h["Content-Type"], h["Content-Length"] = ctype, length
		w.Write(body)
	})))
}
