package dev.genie.it;

import dev.genie.it.support.Artifacts;
import dev.genie.it.support.History;
import dev.genie.it.support.PostgresExtension;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The setup of the suites that send requests to in-process instances on the run's PostgreSQL:
 * {@link PostgresExtension} for the server (a test takes a database of its own from it), {@link
 * GenieInstances} stopped after each test, and the test's {@link History}, kept with the servers'
 * and SQL logs as the evidence of a failure ({@link Artifacts#record}). A suite extends it and uses
 * the fields; the extensions run in the order they are declared here, before the suite's own.
 */
abstract class InstancesOnPostgres {
  @RegisterExtension static final PostgresExtension POSTGRES = new PostgresExtension();
  @RegisterExtension final Artifacts artifacts = new Artifacts();
  @RegisterExtension final GenieInstances genies = new GenieInstances();
  final History history = new History();

  @BeforeEach
  final void record() {
    artifacts.record(history);
  }
}
