// Package docs embeds the documents the server itself serves: the integration guide, shown at /api/docs/integrations.
package docs

import _ "embed"

// Integrations is docs/INTEGRATIONS.md, the guide for integrators.
//
//go:embed INTEGRATIONS.md
var Integrations string
