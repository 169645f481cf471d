import { LoggerService } from '@backstage/backend-plugin-api';
import express from 'express';

/**
 * Bounds every route in time: a request still unanswered after `ms` gets a
 * 503 saying so, whatever it waits on (a black-holed cluster, a slow
 * database), and whatever the handler sends later is dropped.
 */
export function routeDeadline(
  ms: number,
  logger: LoggerService,
): express.RequestHandler {
  return (req, res, next) => {
    const timer = setTimeout(() => {
      if (res.headersSent) {
        return;
      }
      logger.warn(
        `${req.method} ${req.baseUrl}${req.path} did not finish within ${ms} ms`,
      );
      res.status(503).json({
        error: {
          name: 'ServiceUnavailableError',
          message: `Slipway did not answer within ${
            ms / 1000
          }s (a cluster or the database is slow to respond); try again shortly`,
        },
      });
      // The handler is still running; its answer has nowhere to go.
      res.json = () => res;
      res.send = () => res;
    }, ms);
    res.on('close', () => clearTimeout(timer));
    res.on('finish', () => clearTimeout(timer));
    next();
  };
}
