/** Internal to genie-core: not an API, may change at any time. */
package dev.genie.core.internal;
