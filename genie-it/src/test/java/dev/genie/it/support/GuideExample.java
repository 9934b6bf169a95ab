package dev.genie.it.support;

import java.io.IOException;
import java.net.URISyntaxException;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import javax.tools.Diagnostic;
import javax.tools.DiagnosticCollector;
import javax.tools.JavaCompiler;
import javax.tools.JavaFileObject;
import javax.tools.StandardJavaFileManager;
import javax.tools.ToolProvider;

/**
 * A {@code java} block of the library guide ({@code docs/library.md}), compiled as a user would
 * compile it, so that the documentation cannot drift from the code; and the blocks of the other
 * documents, for the tests that run them.
 */
public final class GuideExample {
  /** The library guide, relative to the project's root. */
  public static final String GUIDE = "docs/library.md";

  private static final Pattern CLASS_NAME = Pattern.compile("public (?:final )?class (\\w+)");

  private final String source;
  private final String className;

  private GuideExample(String source, String className) {
    this.source = source;
    this.className = className;
  }

  /** The project's root, the parent of the module the tests run in. */
  public static Path projectRoot() {
    Path root = Path.of("").toAbsolutePath().getParent();
    if (root == null || !Files.isRegularFile(root.resolve("README.md"))) {
      throw new IllegalStateException(
          "the tests run in " + Path.of("").toAbsolutePath() + ", not in a module of Genie");
    }
    return root;
  }

  /**
   * The first {@code ```java} block after the guide's heading {@code heading}.
   *
   * @throws AssertionError when the heading or the block is missing
   */
  public static GuideExample under(String heading) throws IOException {
    return of(block(heading, "java"));
  }

  /**
   * An example made of {@code source}, such as a document's statements placed in a class.
   *
   * @throws AssertionError when it has no public class
   */
  public static GuideExample of(String source) {
    Matcher name = CLASS_NAME.matcher(source);
    if (!name.find()) {
      throw new AssertionError("the example has no public class:\n" + source);
    }
    return new GuideExample(source, name.group(1));
  }

  /**
   * The text of the first {@code ```language} block after the guide's heading {@code heading},
   * before the next heading.
   *
   * @throws AssertionError when the heading or the block is missing
   */
  public static String block(String heading, String language) throws IOException {
    return block(GUIDE, heading, language);
  }

  /**
   * The text of the first {@code ```language} block after the line {@code heading} of the project's
   * document {@code document} (such as {@code README.md}), before the next heading.
   *
   * @throws AssertionError when the line or the block is missing
   */
  public static String block(String document, String heading, String language) throws IOException {
    List<String> lines =
        Files.readAllLines(projectRoot().resolve(document), StandardCharsets.UTF_8);
    int at = lines.indexOf(heading);
    if (at < 0) {
      throw new AssertionError(document + " has no line '" + heading + "'");
    }
    int start = at + 1;
    boolean inBlock = false;
    while (start < lines.size() && !lines.get(start).equals("```" + language)) {
      if (lines.get(start).startsWith("```")) {
        inBlock = !inBlock;
      } else if (!inBlock && lines.get(start).startsWith("#")) {
        throw new AssertionError(
            document + " has no ```" + language + " block under '" + heading + "'");
      }
      start++;
    }
    int end = start + 1;
    while (end < lines.size() && !lines.get(end).equals("```")) {
      end++;
    }
    if (end >= lines.size()) {
      throw new AssertionError(
          document + " has no ```" + language + " block under '" + heading + "'");
    }
    return String.join("\n", lines.subList(start + 1, end)) + "\n";
  }

  /** The example's source, as the guide has it. */
  public String source() {
    return source;
  }

  public String className() {
    return className;
  }

  /**
   * Compiles the example against the classes of {@code dependencies} only (their jars or class
   * directories) and loads it with this test's class loader as parent.
   *
   * @throws AssertionError with the compiler's messages when it does not compile
   */
  public Class<?> compile(Path workDir, Class<?>... dependencies) throws Exception {
    Path sources = Files.createDirectories(workDir.resolve("src"));
    Path classes = Files.createDirectories(workDir.resolve("classes"));
    Path file = sources.resolve(className + ".java");
    Files.writeString(file, source, StandardCharsets.UTF_8);
    List<String> classPath = new ArrayList<>();
    for (Class<?> dependency : dependencies) {
      classPath.add(location(dependency).toString());
    }
    JavaCompiler compiler = ToolProvider.getSystemJavaCompiler();
    DiagnosticCollector<JavaFileObject> diagnostics = new DiagnosticCollector<>();
    try (StandardJavaFileManager files =
        compiler.getStandardFileManager(diagnostics, null, StandardCharsets.UTF_8)) {
      List<String> options =
          List.of(
              "--release",
              "17",
              "-classpath",
              String.join(java.io.File.pathSeparator, classPath),
              "-d",
              classes.toString());
      boolean compiled =
          compiler
              .getTask(null, files, diagnostics, options, null, files.getJavaFileObjects(file))
              .call();
      if (!compiled) {
        throw new AssertionError(
            "the guide's example does not compile against "
                + classPath
                + ":\n"
                + diagnostics.getDiagnostics().stream()
                    .filter(d -> d.getKind() == Diagnostic.Kind.ERROR)
                    .map(d -> "line " + d.getLineNumber() + ": " + d.getMessage(null))
                    .collect(Collectors.joining("\n"))
                + "\n"
                + source);
      }
    }
    URLClassLoader loader =
        new URLClassLoader(
            new URL[] {classes.toUri().toURL()}, GuideExample.class.getClassLoader());
    return Class.forName(className, true, loader);
  }

  private static Path location(Class<?> type) throws URISyntaxException {
    return Path.of(type.getProtectionDomain().getCodeSource().getLocation().toURI());
  }
}
