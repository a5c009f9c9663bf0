package io.homeostat.service.config;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.dropwizard.configuration.ConfigurationFactory;
import io.dropwizard.configuration.ConfigurationFactoryFactory;
import io.dropwizard.configuration.YamlConfigurationFactory;
import jakarta.validation.Validator;

/**
 * Reads config.yml rejecting unknown properties. Dropwizard 5's mapper ignores them, which turns a
 * typo ({@code rulesDir} for {@code rulesDirectory}) into a silently ignored setting.
 */
public final class StrictConfigurationFactoryFactory<T> implements ConfigurationFactoryFactory<T> {
    @Override
    public ConfigurationFactory<T> create(Class<T> klass, Validator validator, ObjectMapper objectMapper, String propertyPrefix) {
        ObjectMapper strict = objectMapper.copy().enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);
        return new YamlConfigurationFactory<>(klass, validator, strict, propertyPrefix);
    }
}
