/** The Dagger component and modules: each store and generator binds itself by name. */
package dev.genie.http.wiring;
