package store

import "strings"

// Price is what a model costs, in US dollars per million tokens.
type Price struct {
	Input      float64 `json:"input"`
	Output     float64 `json:"output"`
	Cached     float64 `json:"cached,omitempty"`      // input read from the prompt cache; 0: as Input
	CacheWrite float64 `json:"cache_write,omitempty"` // input written to the prompt cache; 0: as Input
}

// Cost is the price of some usage, in US dollars.
func (p Price) Cost(u TokenUsage) float64 {
	or := func(price float64) float64 {
		if price == 0 {
			return p.Input
		}
		return price
	}
	plain := u.Input - u.Cached - u.CacheWrite
	return (float64(plain)*p.Input + float64(u.Cached)*or(p.Cached) + float64(u.CacheWrite)*or(p.CacheWrite) +
		float64(u.Output)*p.Output) / 1e6
}

// listPrices are the providers' published list prices for common models (USD per
// million tokens, 2025). They age: "prices" in orchestrator.json overrides them and
// adds models.
var listPrices = map[string]Price{
	"openai/gpt-4.1":              {Input: 2, Output: 8, Cached: 0.5},
	"openai/gpt-4.1-mini":         {Input: 0.4, Output: 1.6, Cached: 0.1},
	"openai/gpt-4.1-nano":         {Input: 0.1, Output: 0.4, Cached: 0.025},
	"openai/gpt-4o":               {Input: 2.5, Output: 10, Cached: 1.25},
	"openai/gpt-4o-mini":          {Input: 0.15, Output: 0.6, Cached: 0.075},
	"anthropic/claude-opus-4-1":   {Input: 15, Output: 75, Cached: 1.5, CacheWrite: 18.75},
	"anthropic/claude-sonnet-4-5": {Input: 3, Output: 15, Cached: 0.3, CacheWrite: 3.75},
	"anthropic/claude-haiku-4-5":  {Input: 1, Output: 5, Cached: 0.1, CacheWrite: 1.25},
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
