/**
 * Feature flags: typed, immutable snapshots read from defaults, a properties or JSON file and the environment
 * ({@code CARTWRIGHT_FLAG_*}), reloaded at run time, with stable percentage buckets per customer or cart id.
 */
package dev.cartwright.order.flags;
