package io.homeostat.service.cli;

import io.dropwizard.core.server.DefaultServerFactory;
import io.dropwizard.core.server.ServerFactory;
import io.dropwizard.jetty.ConnectorFactory;
import io.dropwizard.jetty.HttpConnectorFactory;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.util.ArrayList;
import java.util.List;

/**
 * Before anything touches the database: are the configured ports free? A second start used to
 * migrate first and then fail with a 61-line trace when Jetty could not bind.
 */
public final class PortCheck {
    private PortCheck() {
    }

    public static void ensureFree(ServerFactory server) {
        if (!(server instanceof DefaultServerFactory factory)) {
            return;
        }
        List<ConnectorFactory> connectors = new ArrayList<>(factory.getApplicationConnectors());
        connectors.addAll(factory.getAdminConnectors());
        for (ConnectorFactory connector : connectors) {
            if (connector instanceof HttpConnectorFactory http && http.getPort() > 0) {
                String host = http.getBindHost();
                try (ServerSocket probe = new ServerSocket()) {
                    probe.setReuseAddress(true);
                    probe.bind(host == null || host.isBlank() ? new InetSocketAddress(http.getPort())
                            : new InetSocketAddress(InetAddress.getByName(host), http.getPort()));
                } catch (IOException e) {
                    throw new IllegalStateException("port " + http.getPort() + (host == null ? "" : " on " + host)
                            + " is already in use (is Homeostat already running? set HOMEOSTAT_PORT or HOMEOSTAT_ADMIN_PORT): "
                            + e.getMessage());
                }
            }
        }
    }
}
