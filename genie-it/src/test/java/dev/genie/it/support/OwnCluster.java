package dev.genie.it.support;

import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * An embedded PostgreSQL of the test class's own ({@link EmbeddedCluster}), for a test that does to
 * its server what a shared one must not suffer: a restart, a crash, a server-wide setting. Started
 * before the class's first test and stopped, its databases dropped, after its last. Register it as
 * {@code @RegisterExtension static final OwnCluster CLUSTER = new OwnCluster("name");}.
 */
public final class OwnCluster implements BeforeAllCallback, AfterAllCallback {
  private final String name;
  private EmbeddedCluster cluster;
  private PostgresServer server;

  /** {@code name} names the cluster's data directory under {@code target/embedded-postgres/}. */
  public OwnCluster(String name) {
    this.name = name;
  }

  @Override
  public void beforeAll(ExtensionContext context) {
    cluster = EmbeddedCluster.start(name);
    server = PostgresServer.on(cluster);
  }

  @Override
  public void afterAll(ExtensionContext context) throws Exception {
    try (EmbeddedCluster stopped = cluster) {
      if (server != null) {
        server.close();
      }
    }
  }

  /** The cluster, to restart or crash it, or to reach its maintenance database. */
  public EmbeddedCluster cluster() {
    return cluster;
  }

  /** Its server, for databases of the test's own. */
  public PostgresServer server() {
    return server;
  }
}
