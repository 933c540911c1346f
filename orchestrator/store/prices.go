package store

import "strings"

// Price is what a model costs, in US dollars per million tokens.
type Price struct {
	Input  float64 `json:"input"`
	Output float64 `json:"output"`
}

// Cost is the price of some usage, in US dollars.
func (p Price) Cost(u TokenUsage) float64 {
	return (float64(u.Input)*p.Input + float64(u.Output)*p.Output) / 1e6
}

// listPrices are the providers' published list prices for common models (USD per
// million tokens, 2025). They age: "prices" in orchestrator.json overrides them and
// adds models.
var listPrices = map[string]Price{
	"openai/gpt-4.1":              {Input: 2, Output: 8},
	"openai/gpt-4.1-mini":         {Input: 0.4, Output: 1.6},
	"openai/gpt-4.1-nano":         {Input: 0.1, Output: 0.4},
	"openai/gpt-4o":               {Input: 2.5, Output: 10},
	"openai/gpt-4o-mini":          {Input: 0.15, Output: 0.6},
	"anthropic/claude-opus-4-1":   {Input: 15, Output: 75},
	"anthropic/claude-sonnet-4-5": {Input: 3, Output: 15},
	"anthropic/claude-haiku-4-5":  {Input: 1, Output: 5},
}

// PriceOf is a model's price: the configuration's, else its list price. Local models
// (ollama/) and the scripted provider cost nothing. It reports false when the price is
// not known.
func (c Config) PriceOf(spec string) (Price, bool) {
	if p, ok := c.Prices[spec]; ok {
		return p, true
	}
	if strings.HasPrefix(spec, "ollama/") || strings.HasPrefix(spec, "scripted/") {
		return Price{}, true
	}
	p, ok := listPrices[spec]
	return p, ok
}
