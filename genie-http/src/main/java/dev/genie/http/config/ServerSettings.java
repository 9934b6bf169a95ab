package dev.genie.http.config;

import static dev.genie.http.config.Parser.MILLIS;
import static dev.genie.http.config.Parser.TEXT;
import static dev.genie.http.config.Parser.WHOLE_NUMBER;
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

  static final Key<String> HOST = Key.of("GENIE_HOST", "host", TEXT, "127.0.0.1");
  static final Key<Integer> PORT =
      Key.of("GENIE_PORT", "port", WHOLE_NUMBER, "8080").orElse("PORT");
  static final Key<Integer> MAX_BODY_BYTES =
      Key.of("GENIE_MAX_BODY_BYTES", "maxBodyBytes", WHOLE_NUMBER, "65536");
  static final Key<Integer> IO_THREADS =
      Key.described("GENIE_IO_THREADS", "ioThreads", WHOLE_NUMBER, "max(2, cores)");
  static final Key<Integer> WORKER_THREADS =
      Key.described("GENIE_WORKER_THREADS", "workerThreads", WHOLE_NUMBER, "max(64, 8 × cores)");
  static final Key<Integer> MAX_CONCURRENT_REQUESTS =
      Key.described(
          "GENIE_MAX_CONCURRENT_REQUESTS", "maxConcurrentRequests", WHOLE_NUMBER, "worker threads");
  static final Key<Integer> MAX_QUEUED_REQUESTS =
      Key.of("GENIE_MAX_QUEUED_REQUESTS", "maxQueuedRequests", WHOLE_NUMBER, "1024");
  static final Key<Integer> MAX_WAITING_REQUESTS =
      Key.of("GENIE_MAX_WAITING_REQUESTS", "maxWaitingRequests", WHOLE_NUMBER, "16384");
  static final Key<Duration> SHUTDOWN_GRACE =
      Key.of("GENIE_SHUTDOWN_GRACE_MS", "shutdownGrace", MILLIS, "10000");
  static final Key<Duration> REQUEST_TIMEOUT =
      Key.of("GENIE_REQUEST_TIMEOUT_MS", "requestTimeout", MILLIS, "10000");
  static final Key<Duration> IDLE_TIMEOUT =
      Key.of("GENIE_IDLE_TIMEOUT_MS", "idleTimeout", MILLIS, "60000");

  static final KeyTable<Void> TABLE =
      KeyTable.<Void>of(ServerSettings.class)
          .withKeys(
              HOST,
              PORT,
              MAX_BODY_BYTES,
              IO_THREADS,
              WORKER_THREADS,
              MAX_CONCURRENT_REQUESTS,
              MAX_QUEUED_REQUESTS,
              MAX_WAITING_REQUESTS,
              SHUTDOWN_GRACE,
              REQUEST_TIMEOUT,
              IDLE_TIMEOUT);

  public ServerSettings {
    requireBetween(PORT.name(), port, 0, 65535);
    requireBetween(MAX_BODY_BYTES.name(), maxBodyBytes, 64, 16 * 1024 * 1024);
    requireBetween(IO_THREADS.name(), ioThreads, 1, 256);
    requireBetween(WORKER_THREADS.name(), workerThreads, 1, 4096);
    requireBetween(MAX_CONCURRENT_REQUESTS.name(), maxConcurrentRequests, 1, 100_000);
    requireBetween(MAX_QUEUED_REQUESTS.name(), maxQueuedRequests, 0, 1_000_000);
    requireBetween(MAX_WAITING_REQUESTS.name(), maxWaitingRequests, 0, 1_000_000);
    requireBetween(SHUTDOWN_GRACE.name(), shutdownGrace.toMillis(), 0, 600_000);
    requireBetween(REQUEST_TIMEOUT.name(), requestTimeout.toMillis(), 100, 600_000);
    requireBetween(IDLE_TIMEOUT.name(), idleTimeout.toMillis(), 100, 3_600_000);
    if (maxConcurrentRequests > workerThreads) {
      // Requests beyond the threads would wait in the thread pool's queue, which has no bound.
      throw new IllegalArgumentException(
          MAX_CONCURRENT_REQUESTS.name()
              + " must not exceed "
              + WORKER_THREADS.name()
              + " ("
              + workerThreads
              + "), or requests beyond the threads would wait uncounted by "
              + MAX_QUEUED_REQUESTS.name()
              + ": "
              + maxConcurrentRequests);
    }
  }

  static ServerSettings from(Env env) {
    int cores = Runtime.getRuntime().availableProcessors();
    // A new prompt's thread waits most of its time for the batch that commits its claim, then for
    // the one that commits its result: the more requests wait at once, the fewer commits carry
    // them. On two cores, 64 threads gave 40 % more new prompts at 64 connections than 16.
    int workers = WORKER_THREADS.read(env).orElse(Math.max(64, 8 * cores));
    return new ServerSettings(
        HOST.value(env),
        PORT.value(env),
        MAX_BODY_BYTES.value(env),
        IO_THREADS.read(env).orElse(Math.max(2, cores)),
        workers,
        MAX_CONCURRENT_REQUESTS.read(env).orElse(workers),
        MAX_QUEUED_REQUESTS.value(env),
        MAX_WAITING_REQUESTS.value(env),
        SHUTDOWN_GRACE.value(env),
        REQUEST_TIMEOUT.value(env),
        IDLE_TIMEOUT.value(env));
  }
}
