/** Internal: the templates' model, the templates, the embedded font; not an API. */
package dev.genie.render.internal;
