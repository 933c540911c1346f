package store

import (
	"bytes"
	"cmp"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"reflect"
	"slices"
	"strconv"
	"strings"
)

// Config is orchestrator.json (DESIGN section 10). Every key is optional.
type Config struct {
	Model    string            `json:"model"`
	Models   map[string]string `json:"models"` // by role
	Limits   Limits            `json:"limits"`
	Commands Commands          `json:"commands"`
	Approve  Approve           `json:"approve"`
	Prices   map[string]Price  `json:"prices"` // by provider/model, over the list prices
}

// Limits bound a mission: concurrency per role and per model, iterations and budgets
// (0 means no budget).
type Limits struct {
	Planner       int     `json:"planner"`
	Worker        int     `json:"worker"`
	Reviewer      int     `json:"reviewer"`
	PerModel      int     `json:"perModel"`
	MaxIterations int     `json:"maxIterations"`
	MaxTokens     int     `json:"maxTokens"`
	MaxCostUSD    float64 `json:"maxCostUSD"`
	MaxMinutes    int     `json:"maxMinutes"`
}

// Commands are the project's build and test commands; empty ones are detected.
type Commands struct {
	Build string `json:"build"`
	Test  string `json:"test"`
}

// Approval modes for commands that are not allow-listed.
const (
	ApproveAllowlist = "allowlist" // allow-listed commands run; others are asked for
	ApproveAll       = "all"       // everything runs
	ApproveNone      = "none"      // only the build and test commands run
)

// Approve says which commands run without asking.
type Approve struct {
	Mode  string   `json:"mode"`
	Allow []string `json:"allow"` // command prefixes
}

// DefaultModel is used when neither the flag nor the config names one.
const DefaultModel = "openai/gpt-4.1"

// Defaults are DESIGN section 6's.
func Defaults() Config {
	return Config{
		Limits:  Limits{Planner: 1, Worker: 4, Reviewer: 2, PerModel: 4, MaxIterations: 20},
		Approve: Approve{Mode: ApproveAllowlist},
	}
}

// ModelFor returns the model of a role: its own, else the mission's, else the default.
func (c Config) ModelFor(role string) string {
	if m := c.Models[role]; m != "" {
		return m
	}
	if c.Model != "" {
		return c.Model
	}
	return DefaultModel
}

// Config reads orchestrator.json over the defaults. A missing file is the defaults; a
// broken one is an error that says where.
func (s *Store) Config() (Config, error) {
	cfg := Defaults()
	data, err := s.ReadFile(ConfigFile)
	if err != nil || data == nil {
		return cfg, err
	}
	if err := decodeStrict(data, &cfg); err != nil {
		return cfg, fmt.Errorf("%s/%s: %w", Dir, ConfigFile, err)
	}
	if err := cfg.validate(); err != nil {
		return cfg, fmt.Errorf("%s/%s: %w", Dir, ConfigFile, err)
	}
	return cfg, nil
}

func (c Config) validate() error {
	for role, m := range c.Models {
		if !validModel(m) {
			return fmt.Errorf("models.%s: %q is not provider/model (openai/, anthropic/, ollama/, scripted/)", role, m)
		}
	}
	if c.Model != "" && !validModel(c.Model) {
		return fmt.Errorf("model: %q is not provider/model (openai/, anthropic/, ollama/, scripted/)", c.Model)
	}
	l := c.Limits
	for name, v := range map[string]int{"planner": l.Planner, "worker": l.Worker, "reviewer": l.Reviewer, "perModel": l.PerModel, "maxIterations": l.MaxIterations} {
		if v < 1 {
			return fmt.Errorf("limits.%s must be at least 1, not %d", name, v)
		}
	}
	if l.MaxTokens < 0 || l.MaxCostUSD < 0 || l.MaxMinutes < 0 {
		return errors.New("limits: budgets cannot be negative (0 means none)")
	}
	for m, p := range c.Prices {
		if !validModel(m) {
			return fmt.Errorf("prices: %q is not provider/model (openai/, anthropic/, ollama/, scripted/)", m)
		}
		if p.Input < 0 || p.Output < 0 || p.Cached < 0 || p.CacheWrite < 0 {
			return fmt.Errorf("prices.%s: a price cannot be negative", m)
		}
	}
	if !slices.Contains([]string{ApproveAllowlist, ApproveAll, ApproveNone}, c.Approve.Mode) {
		return fmt.Errorf("approve.mode: %q is not allowlist, all or none", c.Approve.Mode)
	}
	return nil
}

func validModel(m string) bool {
	provider, name, ok := strings.Cut(m, "/")
	return ok && name != "" && slices.Contains([]string{"openai", "anthropic", "ollama", "scripted"}, provider)
}

// Agent is a custom role of agents.json.
type Agent struct {
	Description  string `json:"description"`
	SystemPrompt string `json:"systemPrompt"`
	CanWrite     bool   `json:"canWrite"`
	CanBash      bool   `json:"canBash"`
	Model        string `json:"model,omitempty"`
}

// Agents reads agents.json: custom roles by name.
func (s *Store) Agents() (map[string]Agent, error) {
	data, err := s.ReadFile(AgentsFile)
	if err != nil || data == nil {
		return nil, err
	}
	var agents map[string]Agent
	if err := decodeStrict(data, &agents); err != nil {
		return nil, fmt.Errorf("%s/%s: %w", Dir, AgentsFile, err)
	}
	for name, a := range agents {
		switch {
		case strings.TrimSpace(a.SystemPrompt) == "":
			return nil, fmt.Errorf("%s/%s: agent %q has no systemPrompt", Dir, AgentsFile, name)
		case a.Model != "" && !validModel(a.Model):
			return nil, fmt.Errorf("%s/%s: agent %q: model %q is not provider/model", Dir, AgentsFile, name, a.Model)
		}
	}
	return agents, nil
}

// decodeStrict decodes JSON (an empty file is nothing), refusing unknown keys (a typo would otherwise be ignored
// silently) and naming the line and column of a syntax error.
func decodeStrict(data []byte, v any) error {
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	err := dec.Decode(v)
	if err == nil {
		if _, extra := dec.Token(); extra != io.EOF {
			return errors.New("unexpected content after the JSON object")
		}
		return nil
	}
	if errors.Is(err, io.EOF) {
		return nil // an empty file configures nothing
	}
	var syntax *json.SyntaxError
	var typ *json.UnmarshalTypeError
	if !errors.As(err, &syntax) && !errors.As(err, &typ) {
		if unknown := unknownKey(data, reflect.TypeOf(v)); unknown != nil {
			return unknown // the decoder names the key alone, not where it is or what would do
		}
	}
	return located(data, err)
}

// unknownKey finds the first object key in data that t (what data decodes into) does not
// have, and names its path, its line and column, and the keys the object can have; nil
// when it finds none.
func unknownKey(data []byte, t reflect.Type) error {
	dec := json.NewDecoder(bytes.NewReader(data))
	var found error
	// walk reads one value of type t (nil: any) at path; false stops the walk.
	var walk func(t reflect.Type, path string) bool
	walk = func(t reflect.Type, path string) bool {
		tok, err := dec.Token()
		if err != nil {
			return false
		}
		for t != nil && t.Kind() == reflect.Pointer {
			t = t.Elem()
		}
		switch tok {
		case json.Delim('['):
			var elem reflect.Type
			if t != nil && (t.Kind() == reflect.Slice || t.Kind() == reflect.Array) {
				elem = t.Elem()
			}
			for dec.More() {
				if !walk(elem, path+"[]") {
					return false
				}
			}
		case json.Delim('{'):
			for dec.More() {
				tok, err := dec.Token()
				if err != nil {
					return false
				}
				key, _ := tok.(string)
				member, known, keys := memberOf(t, key)
				if !known {
					start := int(dec.InputOffset()) - len(strconv.Quote(key))
					line, col := lineCol(data, start+1)
					found = fmt.Errorf("line %d, column %d: unknown key %q; %s can have: %s", line, col,
						strings.TrimPrefix(path+"."+key, "."), cmp.Or(strings.TrimPrefix(path, "."), "the file"), strings.Join(keys, ", "))
					return false
				}
				if !walk(member, path+"."+key) {
					return false
				}
			}
		default:
			return true // a value
		}
		_, err = dec.Token() // the closing bracket
		return err == nil
	}
	walk(t, "")
	return found
}

// memberOf is the type of key in an object of type t (nil: any), whether t has it, and
// the keys a struct has. Keys match case-insensitively, as encoding/json matches them.
func memberOf(t reflect.Type, key string) (reflect.Type, bool, []string) {
	switch {
	case t == nil:
		return nil, true, nil
	case t.Kind() == reflect.Map:
		return t.Elem(), true, nil
	case t.Kind() != reflect.Struct:
		return nil, true, nil
	}
	var keys []string
	for f := range t.Fields() {
		name, _, _ := strings.Cut(f.Tag.Get("json"), ",")
		if !f.IsExported() || name == "-" {
			continue
		}
		name = cmp.Or(name, f.Name)
		if strings.EqualFold(name, key) {
			return f.Type, true, nil
		}
		keys = append(keys, name)
	}
	return nil, false, keys
}

// located names the line and column of a JSON decoding error in data.
func located(data []byte, err error) error {
	var syntax *json.SyntaxError
	var typ *json.UnmarshalTypeError
	switch {
	case errors.As(err, &syntax):
		line, col := lineCol(data, int(syntax.Offset))
		return fmt.Errorf("line %d, column %d: %v", line, col, syntax)
	case errors.As(err, &typ):
		line, col := lineCol(data, int(typ.Offset))
		return fmt.Errorf("line %d, column %d: %s must be %s, not %s", line, col, typ.Field, typ.Type, typ.Value)
	}
	return err
}

// lineCol locates the character before offset: the decoder's offsets count the
// character it stumbled on as read.
func lineCol(data []byte, offset int) (int, int) {
	offset = max(min(offset, len(data))-1, 0)
	before := data[:offset]
	line := bytes.Count(before, []byte("\n")) + 1
	return line, offset - bytes.LastIndexByte(before, '\n')
}
