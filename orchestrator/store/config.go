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
// (0 means no budget), and how long a model may take to start its answer.
type Limits struct {
	Planner       int     `json:"planner"`
	Worker        int     `json:"worker"`
	Reviewer      int     `json:"reviewer"`
	PerModel      int     `json:"perModel"`
	MaxIterations int     `json:"maxIterations"`
	MaxTokens     int     `json:"maxTokens"`
	MaxCostUSD    float64 `json:"maxCostUSD"`
	MaxMinutes    int     `json:"maxMinutes"`
	// FirstTokenSeconds is how long a model call may send nothing after its request; our
	// extension of the configuration.
	FirstTokenSeconds int `json:"firstTokenSeconds"`
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
		Limits:  Limits{Planner: 1, Worker: 4, Reviewer: 2, PerModel: 4, MaxIterations: 20, FirstTokenSeconds: 600},
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
// broken one is a *ConfigProblem that says where.
func (s *Store) Config() (Config, error) {
	data, err := s.ReadFile(ConfigFile)
	if err != nil || data == nil {
		return Defaults(), err
	}
	return ParseConfig(data)
}

// ParseConfig reads the content of orchestrator.json over the defaults; what is wrong
// with it is a *ConfigProblem.
func ParseConfig(data []byte) (Config, error) {
	cfg := Defaults()
	err := decodeStrict(data, &cfg)
	if err == nil {
		err = cfg.validate()
	}
	return cfg, inFile(data, ConfigFile, err)
}

func (c Config) validate() error {
	for role, m := range c.Models {
		if !validModel(m) {
			return keyProblem("models."+role, "models.%s: %q is not provider/model (openai/, anthropic/, ollama/, scripted/)", role, m)
		}
	}
	if c.Model != "" && !validModel(c.Model) {
		return keyProblem("model", "model: %q is not provider/model (openai/, anthropic/, ollama/, scripted/)", c.Model)
	}
	l := c.Limits
	for name, v := range map[string]int{"planner": l.Planner, "worker": l.Worker, "reviewer": l.Reviewer, "perModel": l.PerModel, "maxIterations": l.MaxIterations, "firstTokenSeconds": l.FirstTokenSeconds} {
		if v < 1 {
			return keyProblem("limits."+name, "limits.%s must be at least 1, not %d", name, v)
		}
	}
	for name, v := range map[string]float64{"maxTokens": float64(l.MaxTokens), "maxCostUSD": l.MaxCostUSD, "maxMinutes": float64(l.MaxMinutes)} {
		if v < 0 {
			return keyProblem("limits."+name, "limits.%s: a budget cannot be negative (0 means none)", name)
		}
	}
	for m, p := range c.Prices {
		if !validModel(m) {
			return keyProblem("prices."+m, "prices: %q is not provider/model (openai/, anthropic/, ollama/, scripted/)", m)
		}
		if p.Input < 0 || p.Output < 0 || p.Cached < 0 || p.CacheWrite < 0 {
			return keyProblem("prices."+m, "prices.%s: a price cannot be negative", m)
		}
	}
	if !slices.Contains([]string{ApproveAllowlist, ApproveAll, ApproveNone}, c.Approve.Mode) {
		return keyProblem("approve.mode", "approve.mode: %q is not allowlist, all or none", c.Approve.Mode)
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
	return ParseAgents(data)
}

// ParseAgents reads the content of agents.json; what is wrong with it is a *ConfigProblem.
func ParseAgents(data []byte) (map[string]Agent, error) {
	var agents map[string]Agent
	if err := decodeStrict(data, &agents); err != nil {
		return nil, inFile(data, AgentsFile, err)
	}
	for name, a := range agents {
		switch {
		case strings.TrimSpace(a.SystemPrompt) == "":
			return nil, inFile(data, AgentsFile, keyProblem(name, "agent %q has no systemPrompt", name))
		case a.Model != "" && !validModel(a.Model):
			return nil, inFile(data, AgentsFile, keyProblem(name+".model", "agent %q: model %q is not provider/model", name, a.Model))
		}
	}
	return agents, nil
}

// ConfigProblem is what is wrong with a configuration file, and where.
type ConfigProblem struct {
	File         string // workspace-relative, e.g. .opencode/orchestrator.json; "" when not known
	Line, Column int    // 1-based, the column in bytes; 0 when the problem has no one place
	Message      string
	key          string // the key path the problem is at, until inFile places it
}

func (p *ConfigProblem) Error() string {
	msg := p.Message
	if p.Line > 0 {
		msg = fmt.Sprintf("line %d, column %d: %s", p.Line, p.Column, msg)
	}
	if p.File != "" {
		msg = p.File + ": " + msg
	}
	return msg
}

// keyProblem is a problem with the value of a key (a dotted path), which inFile places.
func keyProblem(key, format string, args ...any) *ConfigProblem {
	return &ConfigProblem{Message: fmt.Sprintf(format, args...), key: key}
}

// inFile names the file a problem of data is in, and places a key's problem at the key.
// Other errors are returned as they are.
func inFile(data []byte, name string, err error) error {
	var p *ConfigProblem
	if !errors.As(err, &p) {
		return err
	}
	p.File = Dir + "/" + name
	if p.key != "" {
		if offset, ok := keyOffset(data, p.key); ok {
			p.Line, p.Column = position(data, offset)
		}
	}
	return p
}

// decodeStrict decodes JSON (an empty file is nothing), refusing unknown keys (a typo
// would otherwise be ignored silently); a problem with data is a *ConfigProblem that
// says where.
func decodeStrict(data []byte, v any) error {
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	err := dec.Decode(v)
	switch {
	case err == nil:
		end := int(dec.InputOffset())
		if _, extra := dec.Token(); extra != io.EOF {
			rest := data[end:]
			return problemAt(data, end+len(rest)-len(bytes.TrimLeft(rest, " \t\r\n")), "unexpected content after the JSON object")
		}
		if p := duplicateKey(data); p != nil {
			return p
		}
		return nil
	case errors.Is(err, io.EOF):
		return nil // an empty file configures nothing
	}
	if p := located(data, err); p != nil {
		return p
	}
	if p := unknownKey(data, reflect.TypeOf(v)); p != nil {
		return p // the decoder names the key alone, not where it is or what would do
	}
	return err
}

// located places a JSON syntax or type error in data; nil for other errors.
func located(data []byte, err error) *ConfigProblem {
	var syntax *json.SyntaxError
	var typ *json.UnmarshalTypeError
	switch {
	case errors.As(err, &syntax):
		// The decoder's offsets count the character it stumbled on as read.
		return problemAt(data, int(syntax.Offset)-1, syntax.Error())
	case errors.As(err, &typ):
		return problemAt(data, int(typ.Offset)-1, fmt.Sprintf("%s must be %s, not %s", typ.Field, typ.Type, typ.Value))
	}
	return nil
}

// problemAt is a problem at the byte offset at of data.
func problemAt(data []byte, at int, message string) *ConfigProblem {
	line, column := position(data, at)
	return &ConfigProblem{Line: line, Column: column, Message: message}
}

// position is the 1-based line and byte column of the byte offset at of data.
func position(data []byte, at int) (line, column int) {
	at = max(min(at, len(data)), 0)
	return bytes.Count(data[:at], []byte("\n")) + 1, at - bytes.LastIndexByte(data[:at], '\n')
}

// unknownKey is the first object key in data that t, what data decodes into, does not
// have, with the keys its object can have; nil when there is none.
func unknownKey(data []byte, t reflect.Type) *ConfigProblem {
	var found *ConfigProblem
	eachKey(data, t, func(k jsonKey) bool {
		if !k.known {
			found = problemAt(data, k.offset, fmt.Sprintf("unknown key %q; %s can have: %s", k.path, cmp.Or(k.parent, "the file"), strings.Join(k.keys, ", ")))
		}
		return k.known
	})
	return found
}

// duplicateKey is the second of two equal keys in one object of data, whose value would
// silently replace the first's; nil when there is none. Keys are told apart by their
// paths, which the objects of an array would share: the configuration files have none.
func duplicateKey(data []byte) *ConfigProblem {
	var found *ConfigProblem
	first := map[string]int{} // key path -> its first offset
	eachKey(data, nil, func(k jsonKey) bool {
		if at, seen := first[k.path]; seen {
			line, _ := position(data, at)
			found = problemAt(data, k.offset, fmt.Sprintf("duplicate key %q (first on line %d): its value would replace the first's", k.path, line))
			return false
		}
		first[k.path] = k.offset
		return true
	})
	return found
}

// keyOffset is the offset in data of the key at path (dotted; matched as encoding/json
// matches keys, case-insensitively).
func keyOffset(data []byte, path string) (offset int, ok bool) {
	eachKey(data, nil, func(k jsonKey) bool {
		offset, ok = k.offset, strings.EqualFold(k.path, path)
		return !ok
	})
	return offset, ok
}

// jsonKey is an object key of a JSON document.
type jsonKey struct {
	path, parent string   // dotted from the top (limits.worker), and its object's (limits)
	offset       int      // of its opening quote
	known        bool     // the type the document decodes into has it
	keys         []string // the keys that type has there, when it is a struct
}

// eachKey visits the object keys of data in document order, following t, the type data
// decodes into (nil: any), to say whether each is known; visit returns false to stop.
func eachKey(data []byte, t reflect.Type, visit func(jsonKey) bool) {
	dec := json.NewDecoder(bytes.NewReader(data))
	// walk reads one value of type t at path; false stops the walk.
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
				k := jsonKey{path: strings.TrimPrefix(path+"."+key, "."), parent: path, known: known, keys: keys,
					offset: max(int(dec.InputOffset())-len(strconv.Quote(key)), 0)}
				if !visit(k) || !walk(member, k.path) {
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
