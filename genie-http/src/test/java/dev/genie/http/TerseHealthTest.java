package dev.genie.http;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.http.HttpResponse;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * With keys on, {@code /health} tells a caller without an admin key only whether Genie is ok; an
 * admin key still gets the store's details.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class TerseHealthTest extends LocalGenieTest {
  @Test
  void onlyAnAdminKeyLearnsWhereTheStoreIs() throws Exception {
    String admin = createKey("--name", "ops", "--admin");
    String user = createKey("--name", "app");
    start(Map.of("GENIE_AUTH", "keys"));

    HttpResponse<String> open = get("/health");
    HttpResponse<String> withUserKey =
        send(request("/health").header("Authorization", "Bearer " + user).GET());
    HttpResponse<String> withInventedKey =
        send(request("/health").header("Authorization", "Bearer genie_" + "x".repeat(43)).GET());
    HttpResponse<String> withAdminKey =
        send(request("/health").header("Authorization", "Bearer " + admin).GET());

    for (HttpResponse<String> terse : List.of(open, withUserKey, withInventedKey)) {
      assertThat(terse.statusCode()).isEqualTo(200);
      assertThat(terse.body()).isEqualTo("{\"status\":\"ok\",\"storage\":\"legacy\"}");
    }
    assertThat(withAdminKey.statusCode()).isEqualTo(200);
    assertThat(withAdminKey.body()).contains("\"dataDir\":").contains(dataDir.toString());
  }
}
