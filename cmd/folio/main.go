// Command folio is a blog publishing engine: run "folio serve" to start a
// site, "folio help" for every command.
package main

import (
	"os"

	"golang.org/x/term"

	"folio/internal/cli"
)

func main() {
	os.Exit(cli.Main(os.Args[1:], cli.Env{
		Stdin:  os.Stdin,
		Stdout: os.Stdout,
		Stderr: os.Stderr,
		IsTerminal: func(f any) bool {
			file, ok := f.(*os.File)
			return ok && term.IsTerminal(int(file.Fd()))
		},
	}))
}
