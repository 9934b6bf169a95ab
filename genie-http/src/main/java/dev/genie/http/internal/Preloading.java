package dev.genie.http.internal;

import io.undertow.Undertow;
import java.lang.management.ManagementFactory;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.xnio.Xnio;

/**
 * Loads, on a thread of its own while the store opens, what the HTTP side needs only afterwards:
 * the platform MBean server, where XNIO registers its workers, XNIO's NIO provider, and the JSON
 * factory. It only loads: the server is built on the calling thread, which meets any failure where
 * it can report it.
 */
public final class Preloading {
  private static final Logger log = LoggerFactory.getLogger(Preloading.class);

  private Preloading() {}

  /**
   * Starts loading. Logging must be set up by then: SLF4J answers a thread that logs while another
   * sets it up with a stand-in logger, and warns on the console.
   */
  public static void start() {
    Thread thread = new Thread(Preloading::load, "genie-preload");
    thread.setDaemon(true);
    thread.start();
  }

  private static void load() {
    try {
      ManagementFactory.getPlatformMBeanServer();
      Xnio.getInstance(Undertow.class.getClassLoader());
      Json.FACTORY.getClass(); // initializes Json, and Jackson with it
    } catch (RuntimeException | LinkageError e) {
      log.debug("preloading stopped; the server loads the rest itself", e);
    }
  }
}
