package dev.genie.http.telemetry;

import dev.genie.core.HandOver;
import dev.genie.generator.openai.UpstreamListener;
import dev.genie.http.StartupCheckException;
import dev.genie.http.internal.exchange.BodyHandler;
import io.opentelemetry.api.OpenTelemetry;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.context.Context;
import io.opentelemetry.context.Scope;
import io.opentelemetry.sdk.OpenTelemetrySdk;
import io.opentelemetry.sdk.autoconfigure.AutoConfiguredOpenTelemetrySdk;
import io.opentelemetry.sdk.resources.Resource;
import io.undertow.server.HttpHandler;
import java.util.Map;

/**
 * Telemetry through the OpenTelemetry SDK: {@link #autoconfigured} for {@code GENIE_OTEL=otlp}, or
 * over an SDK a test builds with in-memory exporters.
 */
public final class OpenTelemetryTelemetry implements Telemetry {
  /** The instrumentation scope of Genie's spans and metrics. */
  static final String SCOPE = "dev.genie";

  private static final AttributeKey<String> SERVICE_NAME = AttributeKey.stringKey("service.name");

  private final OpenTelemetry openTelemetry;
  private final AutoCloseable sdk;

  /**
   * @param sdk closed with this, to export what is buffered; or null when the caller closes it
   */
  public OpenTelemetryTelemetry(OpenTelemetry openTelemetry, AutoCloseable sdk) {
    this.openTelemetry = openTelemetry;
    this.sdk = sdk;
  }

  /**
   * The SDK as the standard {@code OTEL_*} variables (or {@code otel.*} system properties)
   * configure it: OTLP for traces and metrics by default, no logs, and the service named {@code
   * genie} unless they name it.
   *
   * @throws StartupCheckException when an {@code OTEL_*} setting is not one the SDK accepts, or
   *     names an exporter it cannot build
   */
  public static OpenTelemetryTelemetry autoconfigured() {
    OpenTelemetrySdk sdk;
    try {
      sdk =
          AutoConfiguredOpenTelemetrySdk.builder()
              // Defaults only: the OTEL_* variables still win. Genie's logs stay in its log files;
              // OTLP goes as http/protobuf, the transport the jar carries (the SDK's default is
              // grpc).
              .addPropertiesSupplier(
                  () ->
                      Map.of(
                          "otel.logs.exporter", "none",
                          "otel.exporter.otlp.protocol", "http/protobuf"))
              .addResourceCustomizer(
                  (resource, config) -> {
                    String named = resource.getAttribute(SERVICE_NAME);
                    return named == null || named.startsWith("unknown_service")
                        ? resource.merge(Resource.builder().put(SERVICE_NAME, "genie").build())
                        : resource;
                  })
              // Closed by the server's stop, which exports what is buffered.
              .disableShutdownHook()
              .build()
              .getOpenTelemetrySdk();
    } catch (RuntimeException e) {
      // ConfigurationException for a value it refuses; others for an exporter it cannot build
      // (OTEL_EXPORTER_OTLP_PROTOCOL=grpc, whose transport the jar does not carry).
      throw new StartupCheckException(
          "GENIE_OTEL is otlp, and OpenTelemetry cannot start as configured: " + reasons(e),
          "correct the OTEL_* setting it names (OTLP is sent as http/protobuf; grpc is not"
              + " available), or set GENIE_OTEL=off");
    }
    return new OpenTelemetryTelemetry(sdk, sdk);
  }

  /** The failure's message and its causes', which say what the SDK could not do. */
  private static String reasons(Throwable failure) {
    StringBuilder reasons = new StringBuilder(String.valueOf(failure.getMessage()));
    for (Throwable cause = failure.getCause();
        cause != null && cause != cause.getCause();
        cause = cause.getCause()) {
      reasons.append(": ").append(cause.getMessage());
    }
    return reasons.toString();
  }

  @Override
  public HttpHandler requests(HttpHandler next) {
    return new TracedRequests(openTelemetry, next);
  }

  @Override
  public BodyHandler withinRequest(BodyHandler handler) {
    return (exchange, body) -> {
      Context context = exchange.getAttachment(TracedRequests.CONTEXT);
      if (context == null) {
        handler.handleRequest(exchange, body);
        return;
      }
      try (Scope ignored = context.makeCurrent()) {
        handler.handleRequest(exchange, body);
      }
    };
  }

  @Override
  public UpstreamListener upstream(UpstreamListener metrics) {
    return UpstreamListener.both(metrics, new TracedUpstream(openTelemetry));
  }

  @Override
  public HandOver handOver() {
    return run -> Context.current().wrap(run);
  }

  @Override
  public void close() {
    if (sdk != null) {
      try {
        sdk.close();
      } catch (Exception e) {
        throw new IllegalStateException("could not stop OpenTelemetry's exporters: " + e, e);
      }
    }
  }
}
