package dev.genie.http;

import dev.genie.core.Orchestrator;
import dev.genie.generator.openai.OpenAiEndpoint;
import dev.genie.http.config.AuthSettings;
import dev.genie.http.config.GenieConfig;
import dev.genie.http.config.ServerSettings;
import dev.genie.http.internal.accesslog.AccessLogHandler;
import dev.genie.http.internal.accesslog.AuditHandler;
import dev.genie.http.internal.auth.Admission;
import dev.genie.http.internal.auth.KeyAdmission;
import dev.genie.http.internal.auth.KeyCache;
import dev.genie.http.internal.auth.LocalCallersAdmission;
import dev.genie.http.internal.exchange.BodyReader;
import dev.genie.http.internal.exchange.Routes;
import dev.genie.http.internal.exchange.Workers;
import dev.genie.http.internal.health.HealthHandler;
import dev.genie.http.internal.health.ListenCheck;
import dev.genie.http.internal.limits.CallerLimits;
import dev.genie.http.internal.limits.DrainingHandler;
import dev.genie.http.internal.limits.WaitingRequests;
import dev.genie.http.internal.limits.WorkLimit;
import dev.genie.http.internal.metrics.MetricsHandler;
import dev.genie.http.internal.openai.ChatHandlers;
import dev.genie.http.internal.prompts.ExportHandler;
import dev.genie.http.internal.prompts.PreviewHandler;
import dev.genie.http.internal.prompts.PromptHandlers;
import dev.genie.http.internal.web.OpenApiHandler;
import dev.genie.http.internal.web.WebPage;
import dev.genie.http.telemetry.Telemetry;
import dev.genie.persistence.KeyStore;
import dev.genie.persistence.PromptStore;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.undertow.Undertow;
import io.undertow.UndertowOptions;
import io.undertow.server.HttpHandler;
import io.undertow.util.Methods;
import java.net.BindException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;
import javax.inject.Inject;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Genie's HTTP server: Undertow behind this one facade, built over an opened store by {@link
 * dev.genie.http.wiring.Launcher#server}; {@link #start} binds the port; {@link #stop} drains and
 * releases everything.
 */
public final class GenieServer implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(GenieServer.class);

  /** The largest request head (request line and headers), in bytes. */
  public static final int MAX_HEADER_BYTES = 16 * 1024;

  /** The most headers a request may carry. */
  public static final int MAX_HEADERS = 100;

  /** Beyond the grace, for answers given near its end to finish leaving. */
  private static final Duration ANSWER_MARGIN = Duration.ofMillis(500);

  private final GenieConfig config;
  private final Orchestrator orchestrator;
  private final PromptStore store;
  private final Routes routes;
  private final DrainingHandler draining;
  private final Undertow undertow;
  private final String chatSurface;
  private final Telemetry telemetry;
  private final AtomicBoolean stopping = new AtomicBoolean();
  private final CountDownLatch stopped = new CountDownLatch(1);
  private volatile InetSocketAddress address;

  @Inject
  GenieServer(
      GenieConfig config,
      Orchestrator orchestrator,
      PromptStore store,
      PrometheusMeterRegistry registry,
      Optional<OpenAiEndpoint> endpoint,
      Clock clock,
      Telemetry telemetry) {
    this.config = config;
    this.telemetry = telemetry;
    this.orchestrator = orchestrator;
    this.store = store;
    ServerSettings server = config.server();
    AuthSettings auth = config.auth();
    Optional<KeyStore> keys = auth.keys() ? store.keys() : Optional.empty();
    CallerLimits limits =
        keys.map(keyStore -> new CallerLimits(keyStore, clock, registry)).orElse(null);
    WaitingRequests waiting = new WaitingRequests(server.maxWaitingRequests());
    PromptHandlers prompts = new PromptHandlers(orchestrator, waiting, limits);
    ChatHandlers chat =
        new ChatHandlers(orchestrator, endpoint, config.generator().models(), waiting, limits);
    this.chatSurface = describe(endpoint, config.generator().models());
    Workers workers =
        new Workers(
            new BodyReader(server.maxBodyBytes(), server.requestTimeout()),
            new WorkLimit(server.maxConcurrentRequests(), server.maxQueuedRequests()),
            keys.<Admission>map(keyStore -> new KeyAdmission(new KeyCache(keyStore, clock), limits))
                .orElseGet(() -> new LocalCallersAdmission(auth.allowedHosts())));
    boolean auditPrompts = auth.auditPrompts();
    HttpHandler submit =
        new AuditHandler(
            auditPrompts, workers.runWithBody(telemetry.withinRequest(prompts.submit())));
    this.routes =
        new Routes()
            .add(Methods.POST, "/prompts", submit)
            .add(Methods.POST, "/prompt", submit)
            .add(
                Methods.GET,
                "/prompts",
                new AuditHandler(auditPrompts, workers.run(prompts.list())))
            .add(
                Methods.GET,
                "/prompts/{id}",
                new AuditHandler(auditPrompts, workers.run(prompts.find())))
            .add(
                Methods.GET,
                "/prompts/{id}/preview",
                new AuditHandler(
                    auditPrompts, workers.run(new PreviewHandler(orchestrator, registry))))
            .add(
                Methods.GET,
                "/prompts/{id}/export.pdf",
                new AuditHandler(
                    auditPrompts,
                    workers.run(new ExportHandler(orchestrator, config.render(), registry))))
            .add(Methods.GET, "/", workers.run(WebPage.page()))
            .add(Methods.GET, "/assets/{id}", workers.run(WebPage.assets()))
            .add(Methods.GET, "/favicon.ico", workers.run(WebPage.icon()))
            .add(Methods.GET, "/health", workers.run(new HealthHandler(store, !auth.keys())))
            .add(Methods.GET, "/metrics", workers.run(new MetricsHandler(registry)))
            .add(Methods.GET, "/openapi.yaml", workers.run(new OpenApiHandler()))
            .add(
                Methods.POST,
                "/v1/chat/completions",
                new AuditHandler(
                    auditPrompts, workers.runWithBody(telemetry.withinRequest(chat.completions()))))
            .add(Methods.GET, "/v1/models", workers.run(chat.models()))
            .add(Methods.GET, "/v1/models/{id}", workers.run(chat.model()))
            .add(Methods.GET, "/v1/models/{owner}/{id}", workers.run(chat.model()));
    this.draining = new DrainingHandler(routes.handler());
    HttpHandler root = new AccessLogHandler(store.name(), registry, telemetry.requests(draining));
    this.undertow =
        Undertow.builder()
            .addHttpListener(server.port(), server.host())
            .setIoThreads(server.ioThreads())
            .setWorkerThreads(server.workerThreads())
            // A request head past these limits is refused with a bare 400 before any handler.
            .setServerOption(UndertowOptions.MAX_HEADER_SIZE, MAX_HEADER_BYTES)
            .setServerOption(UndertowOptions.MAX_HEADERS, MAX_HEADERS)
            // Slow clients: a head that takes too long, or a connection that carries nothing, is
            // closed; BodyReader bounds the body the same way.
            .setServerOption(
                UndertowOptions.REQUEST_PARSE_TIMEOUT, (int) server.requestTimeout().toMillis())
            .setServerOption(
                UndertowOptions.NO_REQUEST_TIMEOUT, (int) server.idleTimeout().toMillis())
            .setServerOption(UndertowOptions.IDLE_TIMEOUT, (int) server.idleTimeout().toMillis())
            .setHandler(root)
            .build();
  }

  /**
   * Starts the orchestrator (its pools, the renewal of its leases, the sweep), binds the port and
   * starts serving; logs one line naming the address, the store and the generator. When the port
   * cannot be bound, the store is closed before the failure is thrown.
   */
  public GenieServer start() {
    try {
      orchestrator.start();
      undertow.start();
    } catch (RuntimeException e) {
      stop();
      // Taken since the startup check bound it: the same banner.
      Throwable bind = e.getCause() instanceof BindException ? e.getCause() : null;
      throw bind == null ? e : ListenCheck.refused(config.server(), bind);
    }
    address = (InetSocketAddress) undertow.getListenerInfo().get(0).getAddress();
    log.info(
        "Genie serving on {} from the {} store {}; {}; {}; {}",
        uri(),
        store.name(),
        store.describe(),
        orchestrator.profile().summary(),
        config.auth().describe(),
        chatSurface);
    return this;
  }

  public int port() {
    return address.getPort();
  }

  public URI uri() {
    return URI.create("http://" + config.server().host() + ":" + port());
  }

  /** The store serving requests: {@code sql} or {@code legacy}. */
  public String storage() {
    return store.name();
  }

  public Orchestrator orchestrator() {
    return orchestrator;
  }

  /** Every route this server answers, as {@code "GET /health"}. */
  public List<String> routes() {
    return routes.describe();
  }

  /**
   * Stops gracefully: answers new requests 503, lets those in flight finish within the grace
   * period, then releases the leases of generations still running and closes the store. A second
   * caller waits until the first has finished, so that the JVM cannot exit halfway.
   */
  public void stop() {
    if (!stopping.compareAndSet(false, true)) {
      awaitStopped();
      return;
    }
    try {
      drainAndClose();
    } finally {
      stopped.countDown();
    }
  }

  private void awaitStopped() {
    try {
      stopped.await();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private void drainAndClose() {
    Duration grace = config.server().shutdownGrace();
    long started = System.nanoTime();
    draining.refuseNew();
    orchestrator.beginStop(grace);
    int atStop = draining.inFlight();
    log.info(
        "Genie stopping: new requests get 503; answering the {} in flight within {} ms",
        atStop,
        grace.toMillis());
    try {
      draining.drain(grace.plus(ANSWER_MARGIN));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    int late = draining.inFlight();
    undertow.stop(); // answers already on their way still leave, as connections close
    int cutOff = draining.inFlight();
    Duration left = grace.minusNanos(System.nanoTime() - started);
    int released = orchestrator.shutdown(left.isNegative() ? Duration.ZERO : left);
    store.close();
    telemetry.close();
    log.info(
        "Genie stopped after {} ms: {} of {} requests in flight answered within the grace{}{};"
            + " unfinished generations whose leases were released: {}",
        (System.nanoTime() - started) / 1_000_000,
        atStop - late,
        atStop,
        late == cutOff ? "" : ", " + (late - cutOff) + " more as the server closed",
        cutOff == 0 ? "" : ", " + cutOff + " cut off unanswered",
        released);
  }

  @Override
  public void close() {
    stop();
  }

  /** The OpenAI-compatible surface, as the startup line names it; never the endpoint's key. */
  private static String describe(Optional<OpenAiEndpoint> endpoint, List<String> models) {
    return endpoint
        .map(
            on ->
                "OpenAI-compatible /v1 on, answered by "
                    + on.settings().baseUrl()
                    + " with models "
                    + (models.isEmpty() ? "(any it has)" : String.join(", ", models)))
        .orElse("OpenAI-compatible /v1 off (no GENIE_OPENAI_API_KEY)");
  }
}
