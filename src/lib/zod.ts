import { validatorCompiler } from 'fastify-type-provider-zod';
import { z } from 'zod';

/**
 * Messages that name the rule in words a clerk understands ("must be 12 digits"), used for every
 * schema in the service. Schemas that give their own message keep it.
 */
z.config({
  customError: (iss) => {
    switch (iss.code) {
      case 'invalid_type':
        if (iss.input === undefined) return 'is required';
        if (iss.input === null) return 'must not be null';
        return `must be ${iss.expected === 'int' ? 'an integer' : `of type ${iss.expected}`}`;
      case 'invalid_value':
        // A choice left out is missing, not a wrong choice (zod reports both the same way).
        if (iss.input === undefined) return 'is required';
        return `must be one of: ${iss.values.map((v) => String(v)).join(', ')}`;
      case 'too_small':
        if (iss.origin === 'string') return `must be at least ${iss.minimum} characters`;
        if (iss.origin === 'array') return `must have at least ${iss.minimum} items`;
        return `must be ${iss.inclusive === false ? 'greater than' : 'at least'} ${iss.minimum}`;
      case 'too_big':
        if (iss.origin === 'string') return `must be at most ${iss.maximum} characters`;
        if (iss.origin === 'array') return `must have at most ${iss.maximum} items`;
        return `must be ${iss.inclusive === false ? 'less than' : 'at most'} ${iss.maximum}`;
      case 'unrecognized_keys':
        return `unknown field${iss.keys.length > 1 ? 's' : ''}: ${iss.keys.join(', ')}`;
      case 'invalid_format':
        if (iss.format === 'uuid') return 'must be a UUID';
        if (iss.format === 'email') return 'must be an email address';
        if (iss.format === 'date') return 'must be a date YYYY-MM-DD';
        return `must be a valid ${iss.format}`;
      default:
        return undefined;
    }
  },
});

export { z };

/** A calendar date `YYYY-MM-DD` that exists (rejects 2025-02-30). */
export const isoDate = z.iso.date();
export const uuid = z.uuid();

/**
 * fastify-type-provider-zod's validator compiler, with every query-string object schema made strict:
 * an unknown query parameter is a 400 naming it on every route, not silently ignored. (Bodies keep
 * the strictness their schema declares.)
 */
export const strictQueryValidatorCompiler: typeof validatorCompiler = (route) =>
  validatorCompiler(
    route.httpPart === 'querystring' && route.schema instanceof z.ZodObject
      ? { ...route, schema: route.schema.strict() }
      : route,
  );
