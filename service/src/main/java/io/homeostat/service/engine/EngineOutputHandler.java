package io.homeostat.service.engine;

/**
 * Receives what each engine batch produced, on the engine thread. It must persist before it lets
 * any action run; if it throws, the engine keeps the outputs and calls it again.
 */
@FunctionalInterface
public interface EngineOutputHandler {
    void handle(EngineOutputs outputs) throws Exception;
}
