import { useTheme } from '@material-ui/core/styles';
import { TeamMetricsResponse } from '@slipway/plugin-deploy-common';
import { useId } from 'react';

const HEIGHT = 120;
const LABEL_HEIGHT = 16;

/**
 * Deployments per day as stacked bars (succeeded, failed, other), in the
 * theme's colours; every bar names its figures for screen readers and on hover.
 */
export function DeploymentsPerDayChart(props: {
  perDay: TeamMetricsResponse['perDay'];
}) {
  const { perDay } = props;
  const theme = useTheme();
  const titleId = useId();
  const max = Math.max(1, ...perDay.map(day => day.total));
  const slot = 24;
  const barWidth = 16;
  const width = Math.max(perDay.length * slot, slot);
  // Horizontal positions in percent of the chart's width, so bars spread over
  // the card while the labels keep their shape (a stretched viewBox would
  // distort the text and clip the last label).
  const pct = (n: number) => `${(n / width) * 100}%`;
  const scale = (n: number) => (n / max) * HEIGHT;
  const total = perDay.reduce((sum, day) => sum + day.total, 0);
  // Label about every seventh day so the axis stays readable.
  const labelEvery = Math.max(1, Math.ceil(perDay.length / 7));

  return (
    <svg
      role="img"
      aria-labelledby={titleId}
      width="100%"
      height={HEIGHT + LABEL_HEIGHT}
    >
      <title id={titleId}>
        {`Deployments per day: ${total} over ${perDay.length} days`}
      </title>
      {perDay.map((day, index) => {
        const other = day.total - day.succeeded - day.failed;
        const x = index * slot + (slot - barWidth) / 2;
        const centre = index * slot + slot / 2;
        const segments = [
          { n: day.succeeded, fill: theme.palette.success.main },
          { n: day.failed, fill: theme.palette.error.main },
          { n: other, fill: theme.palette.text.disabled },
        ];
        let top = HEIGHT;
        return (
          <g key={day.day} data-testid="day-bar">
            <title>
              {`${day.day}: ${day.total} deployments, ${day.succeeded} succeeded, ${day.failed} failed`}
            </title>
            {segments.map((segment, s) => {
              const h = scale(segment.n);
              top -= h;
              return segment.n > 0 ? (
                <rect
                  key={s}
                  x={pct(x)}
                  y={top}
                  width={pct(barWidth)}
                  height={h}
                  fill={segment.fill}
                />
              ) : null;
            })}
            {index % labelEvery === 0 && (
              <text
                x={pct(centre)}
                y={HEIGHT + LABEL_HEIGHT - 2}
                textAnchor="middle"
                fontSize={10}
                fill={theme.palette.text.secondary}
              >
                {day.day.slice(5)}
              </text>
            )}
          </g>
        );
      })}
    </svg>
  );
}
