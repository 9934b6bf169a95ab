package dev.genie.it.support;

import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ExtensionContext.Namespace;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;

/**
 * Gives tests the run's {@link PostgresServer}: one per test JVM, started by the first test class
 * that needs it and closed (its databases dropped) when JUnit closes the root store. Register it as
 * {@code @RegisterExtension static final PostgresExtension POSTGRES = new PostgresExtension();} or
 * with {@code @ExtendWith}, and take {@link PostgresServer} or {@link TestDatabase} parameters. A
 * missing server fails the test; it is never skipped.
 */
public final class PostgresExtension
    implements BeforeAllCallback, BeforeEachCallback, ParameterResolver {
  private static final Namespace NAMESPACE = Namespace.create(PostgresExtension.class);

  private volatile PostgresServer server;

  /** The run's server; available once JUnit has called this extension. */
  public PostgresServer server() {
    PostgresServer current = server;
    if (current == null) {
      throw new IllegalStateException(
          "PostgresExtension has not run yet; register it with @RegisterExtension on a static"
              + " field or with @ExtendWith, and use it from a test or a @BeforeEach/@BeforeAll");
    }
    return current;
  }

  /** The run's database. */
  public TestDatabase database() {
    return server().database();
  }

  @Override
  public void beforeAll(ExtensionContext context) {
    server = shared(context);
  }

  @Override
  public void beforeEach(ExtensionContext context) {
    server = shared(context);
  }

  @Override
  public boolean supportsParameter(ParameterContext parameter, ExtensionContext context) {
    Class<?> type = parameter.getParameter().getType();
    return type == PostgresServer.class || type == TestDatabase.class;
  }

  @Override
  public Object resolveParameter(ParameterContext parameter, ExtensionContext context) {
    PostgresServer shared = shared(context);
    return parameter.getParameter().getType() == PostgresServer.class ? shared : shared.database();
  }

  private static PostgresServer shared(ExtensionContext context) {
    return context
        .getRoot()
        .getStore(NAMESPACE)
        .getOrComputeIfAbsent(Startup.class, key -> Startup.attempt(), Startup.class)
        .server();
  }

  /**
   * The one start attempt of this JVM, kept even when it failed so that later test classes fail
   * fast with the same message instead of retrying a slow container start. JUnit closes stored
   * {@link AutoCloseable} values when the root context ends.
   */
  private static final class Startup implements AutoCloseable {
    private final PostgresServer server;
    private final RuntimeException failure;

    private Startup(PostgresServer server, RuntimeException failure) {
      this.server = server;
      this.failure = failure;
    }

    static Startup attempt() {
      try {
        PostgresServer server = PostgresServer.start();
        System.err.println("[genie-it] " + server);
        return new Startup(server, null);
      } catch (RuntimeException e) {
        return new Startup(null, e);
      }
    }

    PostgresServer server() {
      if (failure != null) {
        throw new IllegalStateException(failure.getMessage(), failure);
      }
      return server;
    }

    @Override
    public void close() {
      if (server != null) {
        server.close();
      }
    }
  }
}
