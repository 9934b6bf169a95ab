package dev.genie.http.cli;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Properties;
import picocli.CommandLine.IVersionProvider;

/** {@code --version}: this build's version, written into a resource when the jar is built. */
public final class GenieVersion implements IVersionProvider {
  private static final String RESOURCE = "version.properties";

  /** This build's version, e.g. {@code 0.1.0}. */
  public static String current() {
    try (InputStream in = GenieVersion.class.getResourceAsStream(RESOURCE)) {
      if (in == null) {
        throw new IllegalStateException(RESOURCE + " is missing from the jar; this is a bug");
      }
      Properties properties = new Properties();
      properties.load(in);
      return properties.getProperty("version");
    } catch (IOException e) {
      throw new UncheckedIOException("could not read " + RESOURCE, e);
    }
  }

  @Override
  public String[] getVersion() {
    return new String[] {
      "genie " + current(),
      "Java " + System.getProperty("java.version") + " (" + System.getProperty("java.vendor") + ")"
    };
  }
}
