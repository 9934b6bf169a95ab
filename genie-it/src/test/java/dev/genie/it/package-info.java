/** Integration and concurrency tests on a real PostgreSQL and a real Undertow. */
package dev.genie.it;
