package io.abmgraph.embedded;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import org.neo4j.configuration.GraphDatabaseInternalSettings;
import org.neo4j.configuration.GraphDatabaseSettings;
import org.neo4j.configuration.connectors.BoltConnector;
import org.neo4j.configuration.connectors.HttpConnector;
import org.neo4j.configuration.connectors.HttpsConnector;
import org.neo4j.configuration.helpers.SocketAddress;
import org.neo4j.dbms.api.DatabaseManagementService;
import org.neo4j.dbms.api.DatabaseManagementServiceBuilder;
import org.neo4j.io.ByteUnit;
import org.neo4j.logging.Level;
import org.neo4j.logging.log4j.Log4jLogProvider;

/**
 * Runs a Neo4j Community DBMS in-process with only the Bolt connector, for tests and local dev.
 *
 * <p>Usage: {@code EmbeddedNeo4j --port N --data-dir DIR [--host 127.0.0.1] [--exit-on-stdin-eof]
 * [--procedures PATTERN]}. Plugin jars are read from {@code DIR/plugins}; with {@code --procedures}
 * (e.g. {@code apoc.*}) only the procedures and functions matching the pattern are loaded, and
 * unrestricted. The Python side puts the APOC jar there only when asked for it.
 * Prints exactly one line {@code READY bolt://HOST:PORT} to stdout once Bolt accepts connections,
 * shuts down cleanly on SIGTERM, and (with {@code --exit-on-stdin-eof}) when stdin is closed.
 * Neo4j's debug log goes to {@code DIR/logs/debug.log}; the user log goes to stderr.
 */
public final class EmbeddedNeo4j {
    private EmbeddedNeo4j() {}

    public static void main(String[] args) {
        String host = "127.0.0.1";
        Integer port = null;
        Path dataDir = null;
        boolean exitOnStdinEof = false;
        String procedures = null;
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--host" -> host = value(args, ++i);
                case "--port" -> port = Integer.parseInt(value(args, ++i));
                case "--data-dir" -> dataDir = Path.of(value(args, ++i)).toAbsolutePath();
                case "--exit-on-stdin-eof" -> exitOnStdinEof = true;
                case "--procedures" -> procedures = value(args, ++i);
                default -> fail("unknown argument: " + args[i]);
            }
        }
        if (port == null || dataDir == null) {
            fail("usage: EmbeddedNeo4j --port N --data-dir DIR [--host 127.0.0.1] [--exit-on-stdin-eof]"
                    + " [--procedures PATTERN]");
        }
        try {
            run(host, port, dataDir, exitOnStdinEof, procedures);
        } catch (Throwable t) {
            System.err.println("EmbeddedNeo4j failed to start:");
            t.printStackTrace();
            System.exit(1);
        }
    }

    private static void run(String host, int port, Path dataDir, boolean exitOnStdinEof, String procedures)
            throws IOException, InterruptedException {
        Files.createDirectories(dataDir);
        Path plugins = dataDir.resolve("plugins");
        Files.createDirectories(plugins);
        DatabaseManagementServiceBuilder builder = new DatabaseManagementServiceBuilder(dataDir)
                .setUserLogProvider(new Log4jLogProvider(System.err, Level.INFO))
                .setConfig(BoltConnector.enabled, true)
                .setConfig(BoltConnector.listen_address, new SocketAddress(host, port))
                .setConfig(BoltConnector.advertised_address, new SocketAddress(host, port))
                .setConfig(BoltConnector.encryption_level, BoltConnector.EncryptionLevel.DISABLED)
                .setConfig(BoltConnector.server_bolt_telemetry_enabled, false)
                // the default Netty quiet period (5s per event loop group) makes shutdown take ~10s
                .setConfig(GraphDatabaseInternalSettings.netty_server_shutdown_quiet_period, 0)
                .setConfig(HttpConnector.enabled, false)
                .setConfig(HttpsConnector.enabled, false)
                .setConfig(GraphDatabaseSettings.auth_enabled, false)
                .setConfig(GraphDatabaseSettings.udc_enabled, false)
                .setConfig(GraphDatabaseSettings.logs_directory, dataDir.resolve("logs"))
                // -Dabmgraph.pagecache.mb=N (neo4j_embedded.EmbeddedNeo4j(pagecache_mb=N)), 96 by default
                .setConfig(
                        GraphDatabaseSettings.pagecache_memory,
                        ByteUnit.mebiBytes(Long.getLong("abmgraph.pagecache.mb", 96L)))
                .setConfig(GraphDatabaseSettings.pagecache_warmup_enabled, false)
                .setConfig(
                        GraphDatabaseSettings.tx_state_memory_allocation,
                        GraphDatabaseSettings.TransactionStateMemoryAllocation.ON_HEAP)
                .setConfig(GraphDatabaseSettings.preallocate_logical_logs, false)
                .setConfig(GraphDatabaseSettings.plugin_dir, plugins);
        if (procedures != null) {
            // the plugin jars' procedures (APOC, put in DIR/plugins by the Python side) only when asked
            builder.setConfig(GraphDatabaseSettings.procedure_allowlist, List.of(procedures))
                    .setConfig(GraphDatabaseSettings.procedure_unrestricted, List.of(procedures));
        }
        DatabaseManagementService dbms = builder.build();

        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            try {
                dbms.shutdown();
            } finally {
                stopped.countDown();
            }
        }, "embedded-neo4j-shutdown"));

        if (!dbms.database(GraphDatabaseSettings.DEFAULT_DATABASE_NAME).isAvailable(TimeUnit.MINUTES.toMillis(5))) {
            throw new IllegalStateException("default database did not become available");
        }
        if (exitOnStdinEof) {
            Thread watcher = new Thread(EmbeddedNeo4j::exitOnStdinEof, "embedded-neo4j-stdin-watcher");
            watcher.setDaemon(true);
            watcher.start();
        }
        System.out.println("READY bolt://" + host + ":" + port);
        System.out.flush();
        stopped.await();
    }

    /** Blocks until stdin reaches EOF (the parent died or closed the pipe), then exits the JVM. */
    private static void exitOnStdinEof() {
        InputStream in = System.in;
        byte[] buffer = new byte[256];
        try {
            while (in.read(buffer) != -1) {
                // ignore input; only EOF matters
            }
        } catch (IOException ignored) {
            // treat a broken stdin like EOF
        }
        System.exit(0);
    }

    private static String value(String[] args, int i) {
        if (i >= args.length) {
            fail("missing value for " + args[i - 1]);
        }
        return args[i];
    }

    private static void fail(String message) {
        System.err.println(message);
        System.exit(2);
    }
}
