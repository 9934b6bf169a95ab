package dev.genie.http;

import static org.assertj.core.api.Assertions.assertThat;

import dev.genie.core.ErrorCode;
import dev.genie.http.config.GenieConfig;
import dev.genie.http.internal.errors.HttpErrorCode;
import dev.genie.http.internal.errors.HttpErrors;
import dev.genie.http.wiring.Launcher;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;

/**
 * The OpenAPI document that {@code GET /openapi.yaml} serves is true: it names every route the
 * server answers and no other, and its error codes and their statuses are those of {@link
 * HttpErrorCode#all} and {@link HttpErrors}.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class OpenApiTest {
  private static final Set<String> HTTP_METHODS =
      Set.of("get", "put", "post", "delete", "options", "head", "patch", "trace");

  @TempDir Path dataDir;
  private GenieServer server;
  private HttpResponse<String> served;
  private Map<String, Object> document;

  @BeforeEach
  void fetch() throws Exception {
    server =
        Launcher.server(
                GenieConfig.fromEnvironment(
                    Map.of("GENIE_PORT", "0", "GENIE_DATA_DIR", dataDir.toString())))
            .start();
    HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    served =
        client.send(
            HttpRequest.newBuilder(URI.create(server.uri() + "/openapi.yaml")).build(),
            HttpResponse.BodyHandlers.ofString());
    document = new Yaml(new SafeConstructor(new LoaderOptions())).load(served.body());
  }

  @AfterEach
  void stop() {
    server.stop();
  }

  @Test
  void itIsServedAsAnOpenApi3Document() {
    assertThat(served.statusCode()).isEqualTo(200);
    assertThat(served.headers().firstValue("Content-Type"))
        .hasValueSatisfying(type -> assertThat(type).startsWith("application/yaml"));
    assertThat(served.headers().firstValue("Genie-Storage")).contains("legacy");
    assertThat(String.valueOf(document.get("openapi"))).startsWith("3.");
    assertThat(map(document, "info")).containsKeys("title", "version");
  }

  @Test
  void itDocumentsEveryRouteTheServerAnswersAndNoOther() {
    Set<String> documented = new TreeSet<>();
    map(document, "paths")
        .forEach(
            (path, item) ->
                ((Map<?, ?>) item)
                    .keySet().stream()
                        .map(String::valueOf)
                        .filter(HTTP_METHODS::contains)
                        .forEach(m -> documented.add(m.toUpperCase(Locale.ROOT) + " " + path)));

    assertThat(documented).isEqualTo(new TreeSet<>(server.routes()));
  }

  @Test
  void itsErrorCodesAndTheirStatusesAreTheServers() {
    Map<String, Object> errorCode = map(map(map(document, "components"), "schemas"), "ErrorCode");
    List<String> codes = HttpErrorCode.all().stream().map(ErrorCode::name).toList();
    Map<String, Integer> statuses = new LinkedHashMap<>();
    for (ErrorCode code : HttpErrorCode.all()) {
      statuses.put(code.name(), HttpErrors.status(code));
    }

    assertThat(errorCode.get("enum")).isEqualTo(codes);
    assertThat(map(errorCode, "x-genie-status")).isEqualTo(statuses);
  }

  @Test
  void everyErrorResponseHasAStatusThatSomeCodeIsSentWith() {
    Set<String> errorStatuses = new HashSet<>();
    for (ErrorCode code : HttpErrorCode.all()) {
      errorStatuses.add(Integer.toString(HttpErrors.status(code)));
    }
    List<String> unexplained = new ArrayList<>();
    map(document, "paths")
        .forEach(
            (path, item) ->
                cast(item)
                    .forEach(
                        (method, operation) -> {
                          if (!HTTP_METHODS.contains(method)) {
                            return;
                          }
                          for (String status : map(cast(operation), "responses").keySet()) {
                            boolean error = status.startsWith("4") || status.startsWith("5");
                            if (error && !errorStatuses.contains(status)) {
                              unexplained.add(method + " " + path + " " + status);
                            }
                          }
                        }));

    assertThat(unexplained).as("error statuses no error code is sent with").isEmpty();
  }

  @Test
  void everyReferenceResolves() {
    List<String> references = new ArrayList<>();
    collectReferences(document, references);
    assertThat(references).isNotEmpty();
    for (String reference : references) {
      assertThat(reference).startsWith("#/");
      Object target = document;
      for (String part : reference.substring(2).split("/")) {
        assertThat(target).as(reference).isInstanceOf(Map.class);
        target = ((Map<?, ?>) target).get(part);
      }
      assertThat(target).as(reference).isNotNull();
    }
  }

  private static void collectReferences(Object node, List<String> references) {
    if (node instanceof Map<?, ?> map) {
      map.forEach(
          (key, value) -> {
            if ("$ref".equals(key)) {
              references.add(String.valueOf(value));
            } else {
              collectReferences(value, references);
            }
          });
    } else if (node instanceof List<?> list) {
      list.forEach(item -> collectReferences(item, references));
    }
  }

  @SuppressWarnings("unchecked")
  private static Map<String, Object> cast(Object node) {
    return (Map<String, Object>) node;
  }

  private static Map<String, Object> map(Map<String, Object> node, String key) {
    Object value = node.get(key);
    assertThat(value).as(key).isInstanceOf(Map.class);
    return cast(value);
  }
}
