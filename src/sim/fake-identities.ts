import { createHash } from 'node:crypto';
import type { SimCompany } from './key-behaviors.js';

// Everything here is derived from a hash of the key so that the same key always names the
// same company: the linker's "updated vs created" logic and the demo's output stay stable
// across runs without any stored state.

function keyHash(key: string): string {
  return createHash('sha256').update(key).digest('hex');
}

function uuidFrom(hex: string): string {
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-4${hex.slice(13, 16)}-a${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
}

/** `{identifier: "Company1a2b3c4d", name: "Acme 1a2b"}` for a key with no registered company. */
export function companyForKey(key: string): SimCompany {
  const hash = keyHash(key);
  return { identifier: `Company${hash.slice(0, 8)}`, name: `Acme ${hash.slice(0, 4)}` };
}

/** Body of `GET /configuration/company`, in the shape of SmartRecruiters' CompanyConfiguration. */
export function companyConfiguration(company: SimCompany) {
  const slug = company.identifier.toLowerCase();
  return {
    identifier: company.identifier,
    name: company.name,
    location: {
      country: 'United States',
      countryCode: 'us',
      regionCode: 'CA',
      region: 'California',
      city: 'San Francisco',
      address: '225 Bush Street',
      postalCode: '94104',
      longitude: '-122.4013',
      latitude: '37.7907',
    },
    website: `https://www.${slug}.example`,
    industry: { id: 'computer_software', label: 'Computer Software' },
    logo: `https://c.smartrecruiters.com/sr-company-logo/${slug}.png`,
  };
}

/**
 * Body of `GET /users/me`: the user who created the key. A key that cannot read the company
 * belongs to a user without admin rights, which is what the linker would show to explain a 403.
 */
export function currentUser(key: string, company: SimCompany, canReadCompany: boolean) {
  const hash = keyHash(key);
  const domain = `${company.identifier.toLowerCase()}.example`;
  return {
    id: uuidFrom(hash),
    email: `integrations@${domain}`,
    firstName: 'Integration',
    lastName: `User ${hash.slice(0, 4)}`,
    active: true,
    language: { code: 'en', label: 'English' },
    systemRole: canReadCompany
      ? { id: 'ADMINISTRATOR', name: 'Administrator' }
      : { id: 'EMPLOYEE', name: 'Employee' },
    accessGroups: canReadCompany
      ? [{ id: uuidFrom(hash.slice(32)), name: 'All company' }]
      : [],
  };
}
