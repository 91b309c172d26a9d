import { PageHeader } from '../ui/page';

export default function IncidentPage() {
  return <PageHeader title="Incident" />;
}
