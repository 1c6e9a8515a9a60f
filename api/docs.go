package api

import (
	"bytes"
	"html/template"
	"net/http"
	"sync"

	"github.com/labstack/echo/v4"
	"github.com/yuin/goldmark"
	"github.com/yuin/goldmark/extension"

	"github.com/trcr/trcr/docs"
	"github.com/trcr/trcr/static"
)

// MountDocs serves the reference (/api/docs, the OpenAPI document rendered by the vendored Swagger UI, no CDN)
// and the integration guide (/api/docs/integrations, docs/INTEGRATIONS.md). Both are public, like the document.
func (a *API) MountDocs(e *echo.Echo) {
	e.GET("/api/docs", func(c echo.Context) error {
		return render(c, docsPage, map[string]any{
			"CSS":    static.Path("vendor/swagger-ui/swagger-ui.css"),
			"Own":    static.Path("css/api-docs.css"),
			"Bundle": static.Path("vendor/swagger-ui/swagger-ui-bundle.js"),
			"Init":   static.Path("js/api-docs.js"),
			"Icon":   static.Path("img/favicon.svg"),
		})
	})
	e.GET("/api/docs/integrations", func(c echo.Context) error {
		body, err := guideHTML()
		if err != nil {
			return err
		}
		return render(c, guidePage, map[string]any{"Own": static.Path("css/api-docs.css"), "Icon": static.Path("img/favicon.svg"), "Body": body})
	})
}

// guideHTML renders the guide once. It is the project's own text, so it is not sanitized as users' Markdown is
// (views/markdown), and its line breaks are not hard.
var guideHTML = sync.OnceValues(func() (template.HTML, error) {
	var b bytes.Buffer
	err := goldmark.New(goldmark.WithExtensions(extension.GFM)).Convert([]byte(docs.Integrations), &b)
	return template.HTML(b.String()), err //nolint:gosec // the repository's own document
})

func render(c echo.Context, t *template.Template, data any) error {
	c.Response().Header().Set(echo.HeaderContentType, echo.MIMETextHTMLCharsetUTF8)
	c.Response().WriteHeader(http.StatusOK)
	return t.Execute(c.Response(), data)
}

// The pages load scripts only from /static (the Content-Security-Policy allows no inline script); the renderer
// reads the document from /api/v1/openapi.json.
var docsPage = template.Must(template.New("docs").Parse(`<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>TRCR API reference</title>
<link rel="icon" type="image/svg+xml" href="{{.Icon}}">
<link rel="stylesheet" href="{{.CSS}}"><link rel="stylesheet" href="{{.Own}}"></head>
<body><header class="api-docs-bar"><strong>TRCR API</strong>
<nav><a href="/api/docs/integrations">Integration guide</a> <a href="/api/v1/openapi.json">openapi.json</a> <a href="/">Back to the app</a></nav></header>
<div id="swagger-ui" data-url="/api/v1/openapi.json"></div>
<script src="{{.Bundle}}"></script><script src="{{.Init}}"></script></body></html>
`))

var guidePage = template.Must(template.New("guide").Parse(`<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>TRCR integration guide</title><link rel="icon" type="image/svg+xml" href="{{.Icon}}">
<link rel="stylesheet" href="{{.Own}}"></head>
<body><header class="api-docs-bar"><strong>TRCR API</strong>
<nav><a href="/api/docs">API reference</a> <a href="/api/v1/openapi.json">openapi.json</a> <a href="/">Back to the app</a></nav></header>
<main class="api-guide">{{.Body}}</main></body></html>
`))
