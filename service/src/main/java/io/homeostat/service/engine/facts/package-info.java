/**
 * The rule authors' API: every type a DRL file matches or creates. Kept stable and documented in
 * docs/RULES.md. These are Java types rather than DRL declarations because facts that outlive a
 * rule reload (signals, issues, gate state) cannot be DRL-declared types.
 */
package io.homeostat.service.engine.facts;
