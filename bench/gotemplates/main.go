// Renders Alertmanager's default Slack, email and Opsgenie templates over the 100 alerts of
// bench/Micro/GoTemplateData.cs with Go's own text/template and html/template, as Alertmanager 0.25 does,
// and times each with testing.Benchmark. bench/gotemplates.sh runs it beside the BenchmarkDotNet figures.
//
//	gotemplates -data data.json -hash [-out DIR]   one "name sha256 bytes" line per render (and the outputs)
//	gotemplates -data data.json [-test.benchtime=2s]   one "bench NAME MODE ns/op B/op allocs/op N" line each
package main

import (
	"bytes"
	"crypto/sha256"
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"testing"
)

type render struct {
	name, text string
	html       bool
}

// The same renders, in the same order, as GoTemplateData.Renders.
var renders = []render{
	{"slack.default.title", `{{ template "slack.default.title" . }}`, false},
	{"slack.default.text", `{{ template "slack.default.text" . }}`, false},
	{"email.default.subject", `{{ template "email.default.subject" . }}`, false},
	{"email.default.html", `{{ template "email.default.html" . }}`, true},
	{"opsgenie.default.description", `{{ template "opsgenie.default.description" . }}`, false},
}

// The same groups of renders as the methods of GoTemplateBenchmarks.
var benchmarks = []struct {
	name    string
	renders []int
}{
	{"SlackTitleAndText", []int{0, 1}},
	{"EmailSubjectAndHtml", []int{2, 3}},
	{"OpsgenieDescriptionText", []int{4}},
}

type executor func(data interface{}) (string, error)

// alertmanager runs a render as Alertmanager does on every notification: clone the set, parse, execute.
func alertmanager(t *Template, r render) executor {
	return func(data interface{}) (string, error) {
		if r.html {
			return t.ExecuteHTMLString(r.text, data)
		}
		return t.ExecuteTextString(r.text, data)
	}
}

// preparsed clones and parses once and only executes per call: what Go's engine costs without
// Alertmanager's per-call clone and parse (and, for html/template, its escaping pass).
func preparsed(t *Template, r render) (executor, error) {
	var execute func(data interface{}) (string, error)
	if r.html {
		tmpl, err := t.html.Clone()
		if err == nil {
			tmpl, err = tmpl.New("").Option("missingkey=zero").Parse(r.text)
		}
		if err != nil {
			return nil, err
		}
		execute = func(data interface{}) (string, error) {
			var buf bytes.Buffer
			err := tmpl.Execute(&buf, data)
			return buf.String(), err
		}
	} else {
		tmpl, err := t.text.Clone()
		if err == nil {
			tmpl, err = tmpl.New("").Option("missingkey=zero").Parse(r.text)
		}
		if err != nil {
			return nil, err
		}
		execute = func(data interface{}) (string, error) {
			var buf bytes.Buffer
			err := tmpl.Execute(&buf, data)
			return buf.String(), err
		}
	}
	return execute, nil
}

func main() {
	testing.Init()
	dataPath := flag.String("data", "", "template.Data JSON (bench/Micro gotemplates-dump writes it)")
	dir := flag.String("templates", "/usr/share/prometheus/alertmanager", "directory of default.tmpl and email.tmpl")
	hash := flag.Bool("hash", false, "print a hash of each render instead of timing")
	out := flag.String("out", "", "with -hash: also write each render to DIR/go.NAME.out")
	flag.Parse()
	if err := run(*dataPath, *dir, *hash, *out); err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
}

func run(dataPath, dir string, hash bool, out string) error {
	raw, err := os.ReadFile(dataPath)
	if err != nil {
		return err
	}
	var data Data
	if err := json.Unmarshal(raw, &data); err != nil {
		return err
	}
	t, err := FromDir(dir)
	if err != nil {
		return err
	}
	if hash {
		for _, r := range renders {
			s, err := alertmanager(t, r)(&data)
			if err != nil {
				return fmt.Errorf("%s: %w", r.name, err)
			}
			if out != "" {
				if err := os.WriteFile(filepath.Join(out, "go."+r.name+".out"), []byte(s), 0o644); err != nil {
					return err
				}
			}
			fmt.Printf("%s %x %d\n", r.name, sha256.Sum256([]byte(s)), len(s))
		}
		return nil
	}
	for _, mode := range []string{"alertmanager", "preparsed"} {
		for _, bm := range benchmarks {
			var execs []executor
			for _, i := range bm.renders {
				e := alertmanager(t, renders[i])
				if mode == "preparsed" {
					if e, err = preparsed(t, renders[i]); err != nil {
						return err
					}
				}
				execs = append(execs, e)
			}
			var failure error
			res := testing.Benchmark(func(b *testing.B) {
				b.ReportAllocs()
				for n := 0; n < b.N; n++ {
					for _, e := range execs {
						if _, err := e(&data); err != nil {
							failure = err
						}
					}
				}
			})
			if failure != nil {
				return fmt.Errorf("%s: %w", bm.name, failure)
			}
			fmt.Printf("bench %s %s %d %d %d %d\n", bm.name, mode, res.NsPerOp(), res.AllocedBytesPerOp(), res.AllocsPerOp(), res.N)
		}
	}
	return nil
}
