import { PageHeader } from '../ui/page';

export default function AuditPage() {
  return <PageHeader title="Audit" />;
}
