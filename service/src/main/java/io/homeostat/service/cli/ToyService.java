package io.homeostat.service.cli;

import com.sun.net.httpserver.HttpServer;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;

/** The demo's toy service: answers {@code ok <pid>} on /health, on 127.0.0.1 at the port given, until it is killed. */
public final class ToyService {
    private ToyService() {
    }

    public static void main(String[] args) throws Exception {
        HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), Integer.parseInt(args[0])), 0);
        server.createContext("/health", exchange -> {
            byte[] body = ("ok " + ProcessHandle.current().pid()).getBytes(StandardCharsets.UTF_8);
            exchange.sendResponseHeaders(200, body.length);
            exchange.getResponseBody().write(body);
            exchange.close();
        });
        server.start();
        Thread.currentThread().join();
    }
}
