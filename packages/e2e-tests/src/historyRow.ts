import { Locator, Page } from '@playwright/test';

/** The row of a deployment history table that shows a version. */
export function historyRow(page: Page, version: string): Locator {
  return (
    page
      .getByRole('table')
      .filter({
        has: page.getByRole('columnheader', { name: 'Requested by' }),
      })
      .getByRole('row')
      .filter({ hasText: version })
      // Not the row below it that holds its expanded timeline.
      .filter({ hasNot: page.getByRole('region') })
  );
}
