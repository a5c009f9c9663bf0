package io.homeostat.plugin.api;

/**
 * Facts about this API that the service and plugins agree on.
 *
 * <p>{@link #VERSION} follows semantic versioning: a plugin declares the range it was built for in
 * its manifest ({@code Plugin-Requires: >=1.0.0 & <2.0.0}) and the service refuses a plugin whose
 * range does not contain the running API version.
 */
public final class PluginApi {
    /** The version of this API; bump the major version on any incompatible change. */
    public static final String VERSION = "1.7.0";

    private PluginApi() {
    }
}
