import { PageHeader } from '../ui/page';

export default function SilencesPage() {
  return <PageHeader title="Silences" />;
}
