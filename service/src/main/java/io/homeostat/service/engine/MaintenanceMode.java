package io.homeostat.service.engine;

/**
 * Maintenance an operator switched on or off (not a rule fact): while on, the session holds an
 * {@link io.homeostat.service.engine.facts.ActiveWindow} of kind maintenance named {@code operator:SCOPE},
 * covering every resource or those with the label, until {@code until} (epoch ms), so the window gate
 * blocks automatic actions there exactly as for a configured window.
 */
public record MaintenanceMode(String scope, boolean on, String labelKey, String labelValue, long until) {

    /** The window's name in explanations: {@code operator:global} or {@code operator:label:service=checkout}. */
    public String windowName() {
        return "operator:" + scope;
    }
}
