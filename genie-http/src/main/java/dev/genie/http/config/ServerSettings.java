package dev.genie.http.config;

import static dev.genie.persistence.Bounds.requireBetween;

import java.time.Duration;

/**
 * How the HTTP server listens and how much it takes on.
 *
 * @param host bind address ({@code GENIE_HOST})
 * @param port bind port, 0 for any free one ({@code GENIE_PORT}, else {@code PORT})
 * @param maxBodyBytes the largest request body ({@code GENIE_MAX_BODY_BYTES})
 * @param ioThreads Undertow's IO threads ({@code GENIE_IO_THREADS})
 * @param workerThreads threads that run requests' work; a request waiting for a result holds none
 *     ({@code GENIE_WORKER_THREADS})
 * @param maxConcurrentRequests requests served at once ({@code GENIE_MAX_CONCURRENT_REQUESTS})
 * @param maxQueuedRequests requests queued beyond those; more are shed with 503 ({@code
 *     GENIE_MAX_QUEUED_REQUESTS})
 * @param maxWaitingRequests requests parked while they wait for a pending result, holding no
 *     thread; more are shed with 503 ({@code GENIE_MAX_WAITING_REQUESTS})
 * @param shutdownGrace how long a stop waits for requests in flight ({@code
 *     GENIE_SHUTDOWN_GRACE_MS})
 * @param requestTimeout how long a client may take to send a request's head, and again its body,
 *     before the connection is closed: slow clients cannot hold threads ({@code
 *     GENIE_REQUEST_TIMEOUT_MS})
 * @param idleTimeout how long a connection may stay open without a request, or stall while a
 *     request or an answer is in transfer, before it is closed ({@code GENIE_IDLE_TIMEOUT_MS})
 */
public record ServerSettings(
    String host,
    int port,
    int maxBodyBytes,
    int ioThreads,
    int workerThreads,
    int maxConcurrentRequests,
    int maxQueuedRequests,
    int maxWaitingRequests,
    Duration shutdownGrace,
    Duration requestTimeout,
    Duration idleTimeout) {

  public ServerSettings {
    requireBetween("GENIE_PORT", port, 0, 65535);
    requireBetween("GENIE_MAX_BODY_BYTES", maxBodyBytes, 64, 16 * 1024 * 1024);
    requireBetween("GENIE_IO_THREADS", ioThreads, 1, 256);
    requireBetween("GENIE_WORKER_THREADS", workerThreads, 1, 4096);
    requireBetween("GENIE_MAX_CONCURRENT_REQUESTS", maxConcurrentRequests, 1, 100_000);
    requireBetween("GENIE_MAX_QUEUED_REQUESTS", maxQueuedRequests, 0, 1_000_000);
    requireBetween("GENIE_MAX_WAITING_REQUESTS", maxWaitingRequests, 0, 1_000_000);
    requireBetween("GENIE_SHUTDOWN_GRACE_MS", shutdownGrace.toMillis(), 0, 600_000);
    requireBetween("GENIE_REQUEST_TIMEOUT_MS", requestTimeout.toMillis(), 100, 600_000);
    requireBetween("GENIE_IDLE_TIMEOUT_MS", idleTimeout.toMillis(), 100, 3_600_000);
    if (maxConcurrentRequests > workerThreads) {
      // Requests beyond the threads would wait in the thread pool's queue, which has no bound.
      throw new IllegalArgumentException(
          "GENIE_MAX_CONCURRENT_REQUESTS must not exceed GENIE_WORKER_THREADS ("
              + workerThreads
              + "), or requests beyond the threads would wait uncounted by"
              + " GENIE_MAX_QUEUED_REQUESTS: "
              + maxConcurrentRequests);
    }
  }

  static ServerSettings from(Env env) {
    int cores = Runtime.getRuntime().availableProcessors();
    // A new prompt's thread waits most of its time for the batch that commits its claim, then for
    // the one that commits its result: the more requests wait at once, the fewer commits carry
    // them. On two cores, 64 threads gave 40 % more new prompts at 64 connections than 16.
    int workers = env.integer("GENIE_WORKER_THREADS", Math.max(64, 8 * cores));
    return new ServerSettings(
        env.string("GENIE_HOST", "127.0.0.1"),
        env.integer("GENIE_PORT").or(() -> env.integer("PORT")).orElse(8080),
        env.integer("GENIE_MAX_BODY_BYTES", 65536),
        env.integer("GENIE_IO_THREADS", Math.max(2, cores)),
        workers,
        env.integer("GENIE_MAX_CONCURRENT_REQUESTS", workers),
        env.integer("GENIE_MAX_QUEUED_REQUESTS", 1024),
        env.integer("GENIE_MAX_WAITING_REQUESTS", 16_384),
        env.millis("GENIE_SHUTDOWN_GRACE_MS").orElse(Duration.ofSeconds(10)),
        env.millis("GENIE_REQUEST_TIMEOUT_MS").orElse(Duration.ofSeconds(10)),
        env.millis("GENIE_IDLE_TIMEOUT_MS").orElse(Duration.ofSeconds(60)));
  }
}
